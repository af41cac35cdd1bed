using System.Globalization;
using Engine.Domain.Customers;
using Engine.Domain.Loyalty;
using Engine.Domain.Sms;

namespace Engine.Domain.Effects;

/// <summary>
/// Whether a message may still leave, decided when it would leave: it must be fresh (within
/// its trigger's window after the moment it speaks of, <see cref="SmsFreshness"/>) and its
/// premise must still hold in the customer's current state (the tier is still held and
/// qualified for, the points are still there, the cart is still open). A message decided from
/// history (backfill, or a tier change found long after its moment) is never fresh. The text
/// is rendered from the same state right after, so it cannot contradict it.
/// </summary>
public static class SmsStaleness
{
    /// <summary>Data key set on a message decided from history.</summary>
    public const string HistoricalKey = "historical";

    /// <summary>Data key of the moment a message speaks of (a tier change's time).</summary>
    public const string OccurredAtKey = "occurred_at";

    /// <summary>Why a message is stale, or null when it may leave.</summary>
    public static string? ReasonOf(CustomerState state, OutboxMessage message, DateTimeOffset now, SmsFreshness freshness, LoyaltyRules? loyalty = null)
    {
        if (message.Sms is not { } sms)
        {
            return null;
        }

        if (sms.Data.GetValueOrDefault(HistoricalKey) == "true")
        {
            return StaleReasons.Historical;
        }

        var trigger = SmsPlanning.TriggerOf(message);
        var premise = trigger switch
        {
            SmsTrigger.TierUpgrade => UpgradePremise(state, sms, now, loyalty),
            SmsTrigger.TierDowngrade => state.Loyalty.Tier == sms.Data.GetValueOrDefault("tier") ? null : StaleReasons.TierNotHeld,
            SmsTrigger.PointsExpiring => CustomerNotifications.IsStillOwed(state.Loyalty, sms, now) ? null : StaleReasons.PointsGone,
            SmsTrigger.CartAbandoned => CartReminders.IsStale(state) ? StaleReasons.CartClosed : null,
            _ => null,
        };
        if (premise is not null)
        {
            return premise;
        }

        return freshness.WindowOf(trigger) is { } window && now - MomentOf(message) > window ? StaleReasons.TooLate : null;
    }

    /// <summary>What a stale message's detail reads in the outbox and <c>sms log</c>: "stale: too-late".</summary>
    public static string Detail(string reason) => $"{SmsSuppressionReasons.Stale}: {reason}";

    /// <summary>The moment a message speaks of: the tier change, the cart step's due time; else when it was decided.</summary>
    public static DateTimeOffset MomentOf(OutboxMessage message)
    {
        var data = message.Sms?.Data;
        var text = data?.GetValueOrDefault(OccurredAtKey) ?? data?.GetValueOrDefault("due_at");
        return text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : message.CreatedAt;
    }

    private static string? UpgradePremise(CustomerState state, SmsRequest sms, DateTimeOffset now, LoyaltyRules? loyalty)
    {
        var tier = sms.Data.GetValueOrDefault("tier");
        if (state.Loyalty.Tier != tier)
        {
            return StaleReasons.TierNotHeld;
        }

        var index = loyalty?.IndexOfTier(tier) ?? -1;
        if (loyalty is null || index < 0)
        {
            return null;
        }

        // A refund of the qualifying order leaves the tier held until re-qualification, but
        // "you're now Silver" would congratulate on spend that was taken back.
        var asOf = state.Value.LastPurchaseAt is { } last && last > now ? last : now;
        var window = loyalty.QualificationWindowDays;
        var qualified = TierLadder.QualifyIndex(state.Value.RollingSpend(asOf, window), state.Value.RollingOrders(asOf, window), loyalty);
        return qualified >= index ? null : StaleReasons.NoLongerQualifies;
    }
}

/// <summary>Why a message went stale: a small fixed set, fit for a metric label.</summary>
public static class StaleReasons
{
    /// <summary>Decided from history (a backfill event, or a tier change found long after its moment).</summary>
    public const string Historical = "historical";
    /// <summary>Past its trigger's freshness window.</summary>
    public const string TooLate = "too-late";
    /// <summary>The customer no longer holds the tier the message speaks of.</summary>
    public const string TierNotHeld = "tier-not-held";
    /// <summary>The tier is held, but the spend or orders that earned it were taken back (a refund).</summary>
    public const string NoLongerQualifies = "no-longer-qualifies";
    /// <summary>The points the reminder speaks of were spent, refunded or expired.</summary>
    public const string PointsGone = "points-gone";
    /// <summary>The cart was bought or emptied.</summary>
    public const string CartClosed = "cart-closed";

    public static IReadOnlyList<string> All { get; } = [Historical, TooLate, TierNotHeld, NoLongerQualifies, PointsGone, CartClosed];
}

using System.Globalization;
using Engine.Domain.Customers;
using Engine.Domain.Loyalty;
using Engine.Domain.Sms;

namespace Engine.Domain.Effects;

/// <summary>
/// Turns what the loyalty rules decided into outbox messages with deterministic ids (a
/// published tier change and its SMS; a points-expiry reminder SMS), and withdraws reminders
/// whose points were spent, refunded or expired before the SMS went out.
/// </summary>
public static class CustomerNotifications
{
    /// <summary>Records the effects; returns how many messages were added or withdrawn.</summary>
    public static int Record(CustomerState state, IReadOnlyList<LoyaltyEffect> effects, DateTimeOffset now, LoyaltyRules rules)
    {
        var changes = 0;
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case TierChange change:
                    changes += RecordTierChange(state, change, now, rules);
                    break;
                case ExpiryReminder reminder:
                    changes += RecordExpiryReminder(state, reminder, now) ? 1 : 0;
                    break;
            }
        }

        return changes + WithdrawSpentReminders(state, now);
    }

    private static int RecordTierChange(CustomerState state, TierChange change, DateTimeOffset now, LoyaltyRules rules)
    {
        var sequence = ++state.EffectSequence;
        var historical = IsHistorical(change, now, rules);
        var added = state.Outbox.Add(new OutboxMessage
        {
            Id = $"{state.CustomerId}:tier-change:{sequence}",
            Kind = OutboxKind.TierChange,
            CreatedAt = now,
            TierChange = new TierChangeNotice(change.From, change.To, change.Reason, change.At, change.IsUpgrade, historical),
        }) ? 1 : 0;

        if (!change.IsUpgrade && !rules.SendDowngradeSms)
        {
            return added;
        }

        var trigger = SmsTriggers.Key(change.IsUpgrade ? SmsTrigger.TierUpgrade : SmsTrigger.TierDowngrade);
        var data = new Dictionary<string, string>
        {
            ["tier"] = change.To,
            ["previous_tier"] = change.From,
            [SmsStaleness.OccurredAtKey] = change.At.ToString("O", CultureInfo.InvariantCulture),
        };
        if (historical)
        {
            // Recorded, and suppressed as stale when the dispatcher tries it: visible in `sms log`.
            data[SmsStaleness.HistoricalKey] = "true";
        }

        return added + (state.Outbox.Add(new OutboxMessage
        {
            Id = $"{state.CustomerId}:{trigger}:{sequence}",
            Kind = OutboxKind.Sms,
            CreatedAt = now,
            DueAt = now,
            Sms = new SmsRequest(trigger, IsTransactional: false, data),
        }) ? 1 : 0);
    }

    /// <summary>
    /// Decided by a backfill event, or found more than <see cref="LoyaltyRules.HistoricalAfter"/>
    /// after its moment: downstream must be able to tell it from news.
    /// </summary>
    public static bool IsHistorical(TierChange change, DateTimeOffset now, LoyaltyRules rules) =>
        change.Historical || now - change.At > rules.HistoricalAfter;

    private static bool RecordExpiryReminder(CustomerState state, ExpiryReminder reminder, DateTimeOffset now)
    {
        var trigger = SmsTriggers.Key(SmsTrigger.PointsExpiring);
        var expires = reminder.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var data = new Dictionary<string, string>
        {
            ["lot_id"] = reminder.LotId,
            ["points"] = reminder.Points.ToString(CultureInfo.InvariantCulture),
            ["expires_at"] = reminder.ExpiresAt.ToString("O", CultureInfo.InvariantCulture),
        };
        if (reminder.Historical)
        {
            data[SmsStaleness.HistoricalKey] = "true";
        }

        return state.Outbox.Add(new OutboxMessage
        {
            // The expiry date is part of the id: in rolling mode one lot's expiry moves, and re-arms its reminders.
            Id = $"{state.CustomerId}:{trigger}:{reminder.LotId}:{reminder.DaysBefore}:{expires}",
            Kind = OutboxKind.Sms,
            CreatedAt = now,
            DueAt = now,
            Sms = new SmsRequest(trigger, IsTransactional: false, data),
        });
    }

    /// <summary>A reminder whose points are gone is withdrawn rather than sent.</summary>
    private static int WithdrawSpentReminders(CustomerState state, DateTimeOffset now)
    {
        var trigger = SmsTriggers.Key(SmsTrigger.PointsExpiring);
        var withdrawn = 0;
        foreach (var message in state.Outbox.Open(OutboxKind.Sms).Where(m => m.Status == OutboxStatus.Pending && m.Sms!.Trigger == trigger).ToList())
        {
            if (!IsStillOwed(state.Loyalty, message.Sms!, now))
            {
                state.Outbox.Complete(message, OutboxStatus.Cancelled, now, "stale");
                withdrawn++;
            }
        }

        return withdrawn;
    }

    /// <summary>True while the points a reminder speaks of are still there to lose.</summary>
    public static bool IsStillOwed(LoyaltyAccount account, SmsRequest reminder, DateTimeOffset now)
    {
        var lotId = reminder.Data.GetValueOrDefault("lot_id");
        if (lotId == LoyaltyAccount.RollingLotId)
        {
            // Activity moves rolling expiry on: a reminder of an expiry date no live lot has any more is untrue.
            return DateTimeOffset.TryParse(reminder.Data.GetValueOrDefault("expires_at"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var expiresAt)
                && account.Lots.Any(l => l.Remaining > 0 && l.IsLiveAt(now) && l.ExpiresAt == expiresAt);
        }

        var lot = account.Lots.Find(l => l.LotId == lotId);
        return lot is not null && lot.Remaining > 0 && lot.IsLiveAt(now);
    }
}

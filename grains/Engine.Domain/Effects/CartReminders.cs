using System.Globalization;
using Engine.Domain.Cart;
using Engine.Domain.Customers;
using Engine.Domain.Sms;

namespace Engine.Domain.Effects;

/// <summary>
/// Turns the cart abandonment rules into outbox messages: a due step becomes a cart SMS with a
/// deterministic id (<c>{customer}:cart_abandoned:{sequence}:{step}</c>), its variant and
/// recovery link fixed when it is decided; an emptied or bought cart cancels every pending one
/// (deferred by quiet hours or not); a purchase after one went out is credited to it. Pure:
/// the grain calls it after each batch of events and on its wake-up, with the time.
/// </summary>
public static class CartReminders
{
    public static readonly string Trigger = SmsTriggers.Key(SmsTrigger.CartAbandoned);

    /// <summary>Attributes purchases, cancels what an empty cart makes pointless, and queues the steps due at <paramref name="now"/>.</summary>
    public static CartUpdate Update(CustomerState state, DateTimeOffset now, CustomerRules rules)
    {
        var abandonment = state.CartAbandonment;
        var cartRules = rules.CartAbandonment;
        if (abandonment.Sequence == 0 && state.Cart.IsEmpty)
        {
            // Never abandoned, nothing in the cart: the common case, and nothing to do.
            return CartUpdate.None;
        }

        var update = new CartUpdate();
        if (abandonment.Sent.Count > 0)
        {
            var remembered = abandonment.Sent.Count;
            var orders = state.Value.RecentOrders.Select(o => (o.OrderId, o.At, o.AmountInBase));
            foreach (var recovery in abandonment.Attribute(orders, now, cartRules.AttributionWindow))
            {
                update.Effects += state.Outbox.Add(new OutboxMessage
                {
                    Id = recovery.MessageId + ":recovered",
                    Kind = OutboxKind.ExperimentTally,
                    CreatedAt = now,
                    Tally = new ExperimentTally(recovery.Experiment, recovery.Step, recovery.Variant, Recovered: true, recovery.Revenue),
                }) ? 1 : 0;
                update.Note(CartNoteKind.Recovered, recovery.Step, recovery.Variant, recovery.Revenue);
            }

            update.Changed |= abandonment.Sent.Count != remembered;
        }

        if (state.Cart.IsEmpty)
        {
            var reason = state.Cart.LastPurchaseAt is { } bought && !(state.Cart.UpdatedAt > bought) ? CartNoteKind.CancelledBought : CartNoteKind.CancelledEmptied;
            foreach (var message in state.Outbox.Open(OutboxKind.Sms).Where(m => m.Status == OutboxStatus.Pending && m.Sms!.Trigger == Trigger).ToList())
            {
                state.Outbox.Complete(message, OutboxStatus.Cancelled, now, reason == CartNoteKind.CancelledBought ? "cart-bought" : "cart-emptied");
                update.Effects++;
                update.Note(reason, message.Sms!.Data.GetValueOrDefault("step") ?? "", message.Sms.Data.GetValueOrDefault("variant") ?? "");
            }

            update.Changed |= abandonment.End();
            return update;
        }

        foreach (var outcome in abandonment.Advance(state.Cart, Facts(state, rules), now, cartRules))
        {
            update.Changed = true;
            switch (outcome.Kind)
            {
                case AbandonmentOutcomeKind.Started:
                    update.Note(CartNoteKind.Started, "", "");
                    break;
                case AbandonmentOutcomeKind.StepDue:
                    var step = cartRules.Steps[outcome.Step!.Value];
                    var variant = ExperimentVariants.Pick(state.CustomerId, step.ExperimentName, step.Variants);
                    update.Effects += Queue(state, outcome, step, variant, now, cartRules) ? 1 : 0;
                    update.Note(CartNoteKind.Queued, step.Name, variant);
                    break;
                case AbandonmentOutcomeKind.SkippedLate:
                    update.Note(CartNoteKind.SkippedLate, outcome.Step is { } late ? cartRules.Steps[late].Name : "", "");
                    break;
                case AbandonmentOutcomeKind.SkippedAudience:
                    update.Note(CartNoteKind.SkippedAudience, cartRules.Steps[outcome.Step!.Value].Name, "");
                    break;
            }
        }

        return update;
    }

    /// <summary>When <see cref="Update"/> next has a step to decide (possibly past), or null.</summary>
    public static DateTimeOffset? NextDueAt(CustomerState state, CustomerRules rules) =>
        state.Cart.IsEmpty ? null : state.CartAbandonment.NextDueAt(state.Cart, Facts(state, rules), rules.CartAbandonment);

    /// <summary>
    /// A cart SMS went out (the gateway took it): remembered for attribution, and counted for its
    /// experiment. Returns whether anything changed.
    /// </summary>
    public static bool RecordSent(CustomerState state, OutboxMessage message, DateTimeOffset now)
    {
        if (message is not { Kind: OutboxKind.Sms, Status: OutboxStatus.Done, Sms: { } sms } || sms.Trigger != Trigger
            || !int.TryParse(sms.Data.GetValueOrDefault("sequence"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        var sent = new CartSmsSent(message.Id, sequence, sms.Data.GetValueOrDefault("step") ?? "", sms.Data.GetValueOrDefault("experiment") ?? "",
            sms.Data.GetValueOrDefault("variant") ?? ExperimentVariants.Default, message.SentAt ?? now);
        state.CartAbandonment.RecordSent(sent);
        state.Outbox.Add(new OutboxMessage
        {
            Id = message.Id + ":sent",
            Kind = OutboxKind.ExperimentTally,
            CreatedAt = now,
            Tally = new ExperimentTally(sent.Experiment, sent.Step, sent.Variant, Recovered: false, 0m),
        });
        return true;
    }

    /// <summary>A pending cart SMS whose cart is empty says something untrue.</summary>
    public static bool IsStale(CustomerState state) => state.Cart.IsEmpty;

    /// <summary>The customer's currency: that of their newest order, else the base currency. Cart prices are taken to be in it.</summary>
    public static string CurrencyOf(CustomerState state, CustomerRules rules) =>
        state.Value.RecentOrders.Count > 0 ? state.Value.RecentOrders[^1].Currency : rules.BaseCurrency;

    private static CartFacts Facts(CustomerState state, CustomerRules rules)
    {
        var value = state.Cart.Value;
        var inBase = rules.ToBaseCurrency(value, CurrencyOf(state, rules)) ?? value;
        return new CartFacts(inBase, state.Loyalty.Tier, state.Value.LifetimeSpend, state.Segments.Current);
    }

    private static bool Queue(CustomerState state, AbandonmentOutcome outcome, AbandonmentStep step, string variant, DateTimeOffset now, CartAbandonmentRules rules)
    {
        var sequence = outcome.Sequence.ToString(CultureInfo.InvariantCulture);
        var cartId = $"{state.CustomerId}-{sequence}";
        var data = new Dictionary<string, string>
        {
            ["sequence"] = sequence,
            ["step"] = step.Name,
            ["experiment"] = step.ExperimentName,
            ["variant"] = variant,
            ["cart_id"] = cartId,
            ["due_at"] = outcome.DueAt.ToString("O", CultureInfo.InvariantCulture),
            ["link"] = RecoveryLink(rules.RecoveryLink, new Dictionary<string, string?>
            {
                ["cart_id"] = cartId,
                ["session_id"] = state.Cart.SessionId,
                ["customer_id"] = state.CustomerId,
                ["step"] = step.Name,
                ["variant"] = variant,
                ["experiment"] = step.ExperimentName,
            }),
        };
        if (!string.IsNullOrWhiteSpace(step.Incentive))
        {
            data["incentive"] = step.Incentive;
        }

        return state.Outbox.Add(new OutboxMessage
        {
            Id = $"{state.CustomerId}:{Trigger}:{sequence}:{step.Name}",
            Kind = OutboxKind.Sms,
            CreatedAt = now,
            DueAt = now,
            Sms = new SmsRequest(Trigger, IsTransactional: false, data),
        });
    }

    /// <summary>The link template with each <c>{name}</c> replaced by its URL-escaped value (empty when unknown).</summary>
    public static string RecoveryLink(string template, IReadOnlyDictionary<string, string?> values)
    {
        var link = template;
        foreach (var (name, value) in values)
        {
            link = link.Replace("{" + name + "}", Uri.EscapeDataString(value ?? ""), StringComparison.Ordinal);
        }

        return link;
    }
}

public enum CartNoteKind
{
    Started,
    Queued,
    SkippedLate,
    SkippedAudience,
    CancelledBought,
    CancelledEmptied,
    Recovered,
}

/// <summary>Something <see cref="CartReminders.Update"/> did, for the silo's metrics.</summary>
public readonly record struct CartNote(CartNoteKind Kind, string Step, string Variant, decimal Revenue);

/// <summary>What <see cref="CartReminders.Update"/> did: outbox messages added or cancelled, other state changed, and notes.</summary>
public sealed class CartUpdate
{
    public static CartUpdate None { get; } = new();

    /// <summary>Outbox messages added or cancelled: effects that need a write to leave.</summary>
    public int Effects { get; set; }

    /// <summary>State changed that is not an effect (a sequence started, a step skipped).</summary>
    public bool Changed { get; set; }

    public List<CartNote> Notes { get; } = [];

    public void Note(CartNoteKind kind, string step, string variant, decimal revenue = 0m) => Notes.Add(new CartNote(kind, step, variant, revenue));
}

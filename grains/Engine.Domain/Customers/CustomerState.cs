using Engine.Domain.Engagement;
using Engine.Domain.Events;
using Engine.Domain.Processing;
using Engine.Domain.Value;

namespace Engine.Domain.Customers;

/// <summary>
/// Everything the engine knows about one customer, and the single entry point that applies
/// an event to it. Persisted as the customer grain's state: field ids are permanent.
/// </summary>
[GenerateSerializer, Alias("engine.CustomerState")]
public sealed class CustomerState
{
    [Id(0)] public string CustomerId { get; set; } = "";
    [Id(1)] public Profile Profile { get; set; } = new();
    [Id(2)] public CustomerValue Value { get; set; } = new();
    [Id(3)] public CustomerEngagement Engagement { get; set; } = new();
    [Id(4)] public Cart.Cart Cart { get; set; } = new();
    [Id(5)] public StreamProgress Progress { get; set; } = new();
    /// <summary>Events applied over the customer's life (duplicates and rejections excluded).</summary>
    [Id(6)] public long EventsApplied { get; set; }

    /// <summary>
    /// Applies one event exactly once. Validation happens before any mutation, so a
    /// rejected event leaves the state as it was (only its position is recorded, so a
    /// replay does not reject it again).
    /// </summary>
    public ApplyOutcome Apply(SequencedEvent sequenced, CustomerRules rules)
    {
        if (Progress.HasApplied(sequenced.Position))
        {
            return ApplyOutcome.Duplicate;
        }

        if (Progress.HasRecentId(sequenced.Event.EventId))
        {
            // The offset is new, so the watermark moves on: the stream has been handled up to here.
            Progress.Pass(sequenced.Position);
            return ApplyOutcome.Duplicate;
        }

        var outcome = sequenced.Event switch
        {
            PurchaseEvent purchase => ApplyPurchase(purchase, rules),
            ClickEvent click => ApplyClick(click, rules),
            CustomerProfileEvent profile => ApplyProfile(profile),
            _ => ApplyOutcome.Reject(RejectionReasons.UnknownType),
        };

        Progress.Record(sequenced);
        if (outcome.Status == ApplyStatus.Applied)
        {
            EventsApplied++;
        }

        return outcome;
    }

    private ApplyOutcome ApplyPurchase(PurchaseEvent purchase, CustomerRules rules)
    {
        if (Value.HasOrder(purchase.OrderId))
        {
            return ApplyOutcome.Reject(RejectionReasons.DuplicateOrder);
        }

        if (rules.ToBaseCurrency(purchase.Amount, purchase.Currency) is not { } amount)
        {
            return ApplyOutcome.Reject(RejectionReasons.CurrencyNotAccepted);
        }

        Value.RecordPurchase(purchase, amount, rules.RollingWindowDays);
        Engagement.RecordPurchase(purchase, rules.Engagement);
        Cart.RecordPurchase(purchase);
        return ApplyOutcome.Applied;
    }

    private ApplyOutcome ApplyClick(ClickEvent click, CustomerRules rules)
    {
        Engagement.RecordClick(click, rules.Engagement);
        Cart.RecordClick(click);
        return ApplyOutcome.Applied;
    }

    private ApplyOutcome ApplyProfile(CustomerProfileEvent profile)
    {
        Profile.Apply(profile);
        return ApplyOutcome.Applied;
    }
}

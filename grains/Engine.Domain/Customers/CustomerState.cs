using Engine.Domain.Engagement;
using Engine.Domain.Events;
using Engine.Domain.Loyalty;
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
    /// <summary>Points lots and tier.</summary>
    [Id(7)] public LoyaltyAccount Loyalty { get; set; } = new();
    /// <summary>Effects decided and not yet (or recently) handed out: tier changes to publish, SMS requests.</summary>
    [Id(8)] public Effects.Outbox Outbox { get; set; } = new();
    /// <summary>Counts effects that need a sequence number for a deterministic id (tier changes).</summary>
    [Id(9)] public long EffectSequence { get; set; }
    /// <summary>When the grain's durable reminder is set to wake it (null: none registered).</summary>
    [Id(10)] public DateTimeOffset? WakeUpAt { get; set; }
    /// <summary>Before consent per number: the number listed in the old phone directory. No longer read.</summary>
    [Id(11)] public string? DirectoryPhone { get; set; }
    /// <summary>Gateway ids of the latest inbound SMS, to handle a retried callback once.</summary>
    [Id(12)] public List<string> RecentInboundSms { get; set; } = [];
    /// <summary>The cart abandonment sequence and what its messages recovered.</summary>
    [Id(13)] public Cart.CartAbandonment CartAbandonment { get; set; } = new();
    /// <summary>The E.164 number this customer holds in the suppression list (claimed as soon as the profile sets it).</summary>
    [Id(14)] public string? ClaimedNumber { get; set; }
    /// <summary>The claimed number's latest consent instruction (a STOP from the handset suppresses marketing whatever the profile says).</summary>
    [Id(15)] public SmsConsent? NumberConsent { get; set; }
    // Id 20, not the next free one: the bounded-state work adds fields here in parallel.
    /// <summary>The newest backfill event applied (null: no history loaded), so a re-run import applies nothing twice.</summary>
    [Id(20)] public BackfillMark? Backfill { get; set; }
    /// <summary>The segments the customer is in as last published, and when they were last evaluated.</summary>
    [Id(30)] public Segments.SegmentMemberships Segments { get; set; } = new();
    /// <summary>Referrals made by this customer and how many of them bought.</summary>
    [Id(31)] public Referrals.CustomerReferrals Referrals { get; set; } = new();

    // Not persisted: effects wait here only until the caller takes them after applying.
    [NonSerialized]
    private List<LoyaltyEffect>? _loyaltyEffects;

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

        if (Progress.HasRecentId(sequenced.Event.EventId)
            || (sequenced.Event.Backfill && Backfill is { } mark && mark.Covers(sequenced.Event))
            || (BusinessKeys.AreKept(sequenced.Event) && Progress.HasKey(BusinessKeys.OfEvent(sequenced.Event.EventId))))
        {
            // The offset is new, so the watermark moves on: the stream has been handled up to here.
            Progress.Pass(sequenced.Position);
            return ApplyOutcome.Duplicate;
        }

        var effectsBefore = _loyaltyEffects?.Count ?? 0;
        var outcome = sequenced.Event switch
        {
            PurchaseEvent purchase => ApplyPurchase(purchase, rules),
            ClickEvent click => ApplyClick(click, rules),
            CustomerProfileEvent profile => ApplyProfile(profile),
            RefundEvent refund => ApplyRefund(refund, rules),
            PointsRedeemedEvent redemption => ApplyRedemption(redemption, rules),
            PointsAdjustedEvent adjustment => ApplyAdjustment(adjustment, rules),
            ReferralEvent referral => ApplyReferral(referral),
            _ => ApplyOutcome.Reject(RejectionReasons.UnknownType),
        };

        Progress.Record(sequenced, rules.Dedupe.RecentEventIds);
        if (sequenced.Event.Backfill)
        {
            Backfill = BackfillMark.After(Backfill, sequenced.Event);
            MarkHistorical(effectsBefore);
        }

        if (outcome.Status == ApplyStatus.Applied)
        {
            EventsApplied++;
            Progress.RememberKeys(sequenced.Event, rules.Dedupe);
        }

        return outcome;
    }

    /// <summary>
    /// Does the time-driven loyalty work due at <paramref name="now"/> with no event needed:
    /// expires lots, produces due expiry reminders, re-qualifies the tier and lowers it once
    /// the grace period is over. Its effects are read with <see cref="TakeLoyaltyEffects"/>.
    /// Running it again for the same instant changes nothing.
    /// </summary>
    public void AdvanceTo(DateTimeOffset now, CustomerRules rules)
    {
        AddEffects(Loyalty.ExpireDue(now, rules.Loyalty));
        AddEffects(Loyalty.DueExpiryReminders(now, rules.Loyalty));
        if (Loyalty.Tier is not null)
        {
            EvaluateTier(now, rules);
        }
    }

    /// <summary>When <see cref="AdvanceTo"/> next has work to do (possibly already past), or null.</summary>
    public DateTimeOffset? NextLoyaltyDueAt(CustomerRules rules) => Loyalty.NextDueAt(rules.Loyalty);

    /// <summary>
    /// Returns the tier changes, expiry reminders and expiries produced since the last call,
    /// in the order they happened, and forgets them. They are not persisted: take them after
    /// every <see cref="Apply"/> or <see cref="AdvanceTo"/>.
    /// </summary>
    public IReadOnlyList<LoyaltyEffect> TakeLoyaltyEffects()
    {
        if (_loyaltyEffects is not { Count: > 0 } effects)
        {
            return [];
        }

        _loyaltyEffects = null;
        return effects;
    }

    private ApplyOutcome ApplyPurchase(PurchaseEvent purchase, CustomerRules rules)
    {
        if (Value.HasOrder(purchase.OrderId) || Progress.HasKey(BusinessKeys.OfOrder(purchase.OrderId)))
        {
            return ApplyOutcome.Reject(RejectionReasons.DuplicateOrder);
        }

        if (rules.ToBaseCurrency(purchase.Amount, purchase.Currency) is not { } amount)
        {
            return ApplyOutcome.Reject(RejectionReasons.CurrencyNotAccepted);
        }

        Value.RecordPurchase(purchase, amount, rules.SpendRetentionDays);
        Engagement.RecordPurchase(purchase, rules.Engagement);
        Cart.RecordPurchase(purchase);

        // Earned at the tier held before this purchase; the upgrade it causes counts from the next one.
        Loyalty.EarnForPurchase(purchase.OrderId, amount, purchase.OccurredAt, rules.Loyalty);
        Loyalty.ForgetSpentLots(orderId => Value.FindOrder(orderId) is not null);
        EvaluateTierAfter(purchase, rules);
        ReportReferredPurchase();
        return ApplyOutcome.Applied;
    }

    /// <summary>
    /// Records who referred this customer and tells the referrer through the outbox (a grain
    /// call, by this customer's id so the referrer counts it once); a customer who already
    /// bought is reported as a buyer at once, whichever topic's event came first.
    /// </summary>
    private ApplyOutcome ApplyReferral(ReferralEvent referral)
    {
        if (string.Equals(referral.ReferrerId, CustomerId, StringComparison.Ordinal))
        {
            return ApplyOutcome.Reject(RejectionReasons.SelfReferral);
        }

        if (Referrals.ReferredBy is { } referrer)
        {
            return string.Equals(referrer, referral.ReferrerId, StringComparison.Ordinal)
                ? ApplyOutcome.Applied
                : ApplyOutcome.Reject(RejectionReasons.AlreadyReferred);
        }

        Referrals.ReferredBy = referral.ReferrerId;
        Outbox.Add(new Effects.OutboxMessage
        {
            Id = $"{CustomerId}:referral:referred",
            Kind = Effects.OutboxKind.ReferralNotice,
            CreatedAt = referral.OccurredAt,
            Referral = new Effects.ReferralNotice(referral.ReferrerId, Bought: false),
        });
        ReportReferredPurchase();
        return ApplyOutcome.Applied;
    }

    private void ReportReferredPurchase()
    {
        if (Referrals.ReferredBy is not { } referrer || Referrals.PurchaseReported || Value.FirstPurchaseAt is not { } first)
        {
            return;
        }

        Referrals.PurchaseReported = true;
        Outbox.Add(new Effects.OutboxMessage
        {
            Id = $"{CustomerId}:referral:bought",
            Kind = Effects.OutboxKind.ReferralNotice,
            CreatedAt = first,
            Referral = new Effects.ReferralNotice(referrer, Bought: true),
        });
    }

    private ApplyOutcome ApplyRefund(RefundEvent refund, CustomerRules rules)
    {
        if (refund.RefundId is { } id && Progress.HasKey(BusinessKeys.OfRefund(id)))
        {
            return ApplyOutcome.Reject(RejectionReasons.DuplicateRefund);
        }

        if (Value.FindOrder(refund.OrderId) is not { } order)
        {
            return ApplyOutcome.Reject(RejectionReasons.UnknownOrder);
        }

        decimal refunded, refundedInBase;
        if (string.Equals(refund.Currency, order.Currency, StringComparison.Ordinal))
        {
            // Same currency as the order: compared as paid, so a changed exchange rate cannot
            // make a full refund look larger than the order.
            refunded = order.Refunded + refund.Amount;
            if (refunded > order.Amount)
            {
                return ApplyOutcome.Reject(RejectionReasons.RefundExceedsOrder);
            }

            refundedInBase = refunded == order.Amount
                ? order.AmountInBase
                : decimal.Round(order.AmountInBase * refunded / order.Amount, 2, MidpointRounding.ToEven);
        }
        else
        {
            if (rules.ToBaseCurrency(refund.Amount, refund.Currency) is not { } amountInBase)
            {
                return ApplyOutcome.Reject(RejectionReasons.CurrencyNotAccepted);
            }

            refundedInBase = order.RefundedInBase + amountInBase;
            if (refundedInBase > order.AmountInBase)
            {
                return ApplyOutcome.Reject(RejectionReasons.RefundExceedsOrder);
            }

            refunded = refundedInBase == order.AmountInBase
                ? order.Amount
                : decimal.Round(order.Amount * refundedInBase / order.AmountInBase, 2, MidpointRounding.ToEven);
        }

        var newlyRefunded = Value.RecordRefund(order.OrderId, refunded, refundedInBase);
        Loyalty.RefundOrder(order.OrderId, newlyRefunded, order.AmountInBase, refund.OccurredAt);
        // Lower spend never lowers the tier here: downgrades only come from re-qualification.
        EvaluateTierAfter(refund, rules);
        return ApplyOutcome.Applied;
    }

    private ApplyOutcome ApplyRedemption(PointsRedeemedEvent redemption, CustomerRules rules)
    {
        if (redemption.RedemptionId is { } id && Progress.HasKey(BusinessKeys.OfRedemption(id)))
        {
            return ApplyOutcome.Reject(RejectionReasons.DuplicateRedemption);
        }

        if (redemption.Points < 1 || !Loyalty.Redeem(redemption.Points, redemption.OccurredAt, rules.Loyalty))
        {
            return ApplyOutcome.Reject(RejectionReasons.InsufficientPoints);
        }

        EvaluateTierAfter(redemption, rules);
        return ApplyOutcome.Applied;
    }

    private ApplyOutcome ApplyAdjustment(PointsAdjustedEvent adjustment, CustomerRules rules)
    {
        if (adjustment.Points == 0)
        {
            return ApplyOutcome.Reject(RejectionReasons.InvalidField);
        }

        if (adjustment.AdjustmentId is { } id && Progress.HasKey(BusinessKeys.OfAdjustment(id)))
        {
            return ApplyOutcome.Reject(RejectionReasons.DuplicateAdjustment);
        }

        if (!Loyalty.Adjust(adjustment.EventId, adjustment.Points, adjustment.OccurredAt, rules.Loyalty))
        {
            return ApplyOutcome.Reject(RejectionReasons.InsufficientPoints);
        }

        EvaluateTierAfter(adjustment, rules);
        return ApplyOutcome.Applied;
    }

    /// <summary>
    /// Evaluates the ladder after an event, as of the event or the newest purchase if that is
    /// later: a purchase that arrives late still counts towards an upgrade straight away.
    /// </summary>
    private void EvaluateTierAfter(CustomerEvent applied, CustomerRules rules) =>
        EvaluateTier(Value.LastPurchaseAt is { } last && last > applied.OccurredAt ? last : applied.OccurredAt, rules);

    private void EvaluateTier(DateTimeOffset now, CustomerRules rules)
    {
        var window = rules.Loyalty.QualificationWindowDays;
        var change = TierLadder.Evaluate(Loyalty, Value.RollingSpend(now, window), Value.RollingOrders(now, window), now, rules.Loyalty);
        if (change is not null)
        {
            AddEffects([change with { CustomerId = CustomerId.Length > 0 ? CustomerId : null }]);
        }
    }

    /// <summary>What a backfill event decided is history: recorded, never sent as news.</summary>
    private void MarkHistorical(int from)
    {
        for (var i = from; i < (_loyaltyEffects?.Count ?? 0); i++)
        {
            _loyaltyEffects![i] = _loyaltyEffects[i] with { Historical = true };
        }
    }

    private void AddEffects(IEnumerable<LoyaltyEffect> effects)
    {
        foreach (var effect in effects)
        {
            (_loyaltyEffects ??= []).Add(effect);
        }
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

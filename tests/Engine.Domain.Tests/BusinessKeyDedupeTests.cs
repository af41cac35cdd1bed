using Engine.Domain.Customers;
using Engine.Domain.Events;
using Engine.Domain.Processing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Domain.Tests;

/// <summary>
/// A producer retry of a purchase, a refund, a redemption or an adjustment is applied once
/// however many of the customer's other events came in between, within the key retention; the
/// same order, refund, voucher or adjustment id under a new event id is refused.
/// </summary>
[Trait("Category", "Unit")]
public sealed class BusinessKeyDedupeTests
{
    private static readonly DateTimeOffset T0 = Make.T0;
    private static readonly CustomerRules Rules = new();

    [Property(MaxTest = 60)]
    public Property Money_and_points_events_retried_at_any_distance_are_applied_once() =>
        Prop.ForAll(Gen.Choose(0, 1500).ToArbitrary(), Gen.Elements(0, 3, 5, 9).ToArbitrary(), (distance, purchaseEvery) =>
        {
            var (purchase, refund, redemption, adjustment) = Originals();
            var retried = new CustomerState();
            var once = new CustomerState();
            var offset = 0L;
            foreach (var e in new CustomerEvent[] { purchase, refund, redemption, adjustment })
            {
                retried.Apply(Make.At(e, offset), Rules);
                once.Apply(Make.At(e, offset++), Rules);
            }

            for (var i = 0; i < distance; i++)
            {
                // Others a minute apart: up to one purchase in four (each adds two keys, so at most
                // 750 of the 1,024 kept), the rest clicks.
                CustomerEvent other = purchaseEvery > 0 && i % (purchaseEvery + 1) == 0
                    ? Make.Purchase(T0.AddMinutes(i), 3m, orderId: $"other-{i}", eventId: $"other-{i}")
                    : Make.Click(ClickAction.PageView, T0.AddMinutes(i), eventId: $"click-{i}");
                retried.Apply(Make.At(other, offset), Rules);
                once.Apply(Make.At(other, offset++), Rules);
            }

            var outcomes = new CustomerEvent[] { purchase, refund, redemption, adjustment }.Select(e => retried.Apply(Make.At(e, offset++), Rules)).ToList();

            return (outcomes.All(o => o == ApplyOutcome.Duplicate)
                && retried.Value.LifetimeSpend == once.Value.LifetimeSpend
                && retried.Value.Orders == once.Value.Orders
                && retried.Loyalty.Balance == once.Loyalty.Balance
                && retried.Loyalty.Redeemed == once.Loyalty.Redeemed
                && retried.Loyalty.AdjustedIn == once.Loyalty.AdjustedIn
                && retried.EventsApplied == once.EventsApplied)
                .Label($"distance {distance}, every {purchaseEvery}: {string.Join(", ", outcomes)}; spend {retried.Value.LifetimeSpend}/{once.Value.LifetimeSpend}, balance {retried.Loyalty.Balance}/{once.Loyalty.Balance}, events {retried.EventsApplied}/{once.EventsApplied}");
        });

    [Property(MaxTest = 40)]
    public Property Business_ids_resent_under_new_event_ids_at_any_distance_are_applied_once() =>
        Prop.ForAll(Gen.Choose(0, 1500).ToArbitrary(), distance =>
        {
            var (purchase, refund, redemption, adjustment) = Originals();
            var state = new CustomerState();
            var offset = 0L;
            foreach (var e in new CustomerEvent[] { purchase, refund, redemption, adjustment })
            {
                state.Apply(Make.At(e, offset++), Rules);
            }

            for (var i = 0; i < distance; i++)
            {
                state.Apply(Make.At(Make.Click(ClickAction.PageView, T0.AddMinutes(i), eventId: $"click-{i}"), offset++), Rules);
            }

            var (spend, balance, applied) = (state.Value.LifetimeSpend, state.Loyalty.Balance, state.EventsApplied);
            var resent = new CustomerEvent[]
            {
                purchase with { EventId = "p-2" },
                refund with { EventId = "r-2" },
                redemption with { EventId = "x-2" },
                adjustment with { EventId = "a-2" },
            }.Select(e => state.Apply(Make.At(e, offset++), Rules)).ToList();
            var expected = new[] { RejectionReasons.DuplicateOrder, RejectionReasons.DuplicateRefund, RejectionReasons.DuplicateRedemption, RejectionReasons.DuplicateAdjustment }
                .Select(ApplyOutcome.Reject).ToList();

            return (resent.SequenceEqual(expected)
                && state.Value.LifetimeSpend == spend
                && state.Loyalty.Balance == balance
                && state.EventsApplied == applied)
                .Label($"distance {distance}: {string.Join(", ", resent)}");
        });

    [Fact]
    public void The_same_refund_id_under_a_new_event_id_is_refused_and_refunds_nothing()
    {
        var state = new CustomerState();
        state.Apply(Make.At(Make.Purchase(T0, 100m, orderId: "ord-1"), 0), Rules);
        state.Apply(Make.At(Make.Refund(T0.AddMinutes(1), "ord-1", 10m) with { RefundId = "rf-1" }, 1), Rules);

        var again = state.Apply(Make.At(Make.Refund(T0.AddMinutes(2), "ord-1", 10m) with { RefundId = "rf-1" }, 2), Rules);
        var another = state.Apply(Make.At(Make.Refund(T0.AddMinutes(3), "ord-1", 10m) with { RefundId = "rf-2" }, 3), Rules);

        Assert.Equal(ApplyOutcome.Reject(RejectionReasons.DuplicateRefund), again);
        Assert.Equal(ApplyOutcome.Applied, another);
        Assert.Equal(80m, state.Value.LifetimeSpend);
    }

    [Fact]
    public void The_same_adjustment_id_under_a_new_event_id_is_refused_and_grants_nothing()
    {
        var state = new CustomerState();
        state.Apply(Make.At(Make.Adjust(T0, 50) with { AdjustmentId = "adj-1" }, 0), Rules);

        var again = state.Apply(Make.At(Make.Adjust(T0.AddMinutes(1), 50) with { AdjustmentId = "adj-1" }, 1), Rules);

        Assert.Equal(ApplyOutcome.Reject(RejectionReasons.DuplicateAdjustment), again);
        Assert.Equal(50, state.Loyalty.Balance);
    }

    [Fact]
    public void Refunds_and_adjustments_without_their_own_id_are_told_apart_by_event_id_only()
    {
        var state = new CustomerState();
        state.Apply(Make.At(Make.Purchase(T0, 100m, orderId: "ord-1"), 0), Rules);

        Assert.Equal(ApplyOutcome.Applied, state.Apply(Make.At(Make.Refund(T0.AddMinutes(1), "ord-1", 10m), 1), Rules));
        Assert.Equal(ApplyOutcome.Applied, state.Apply(Make.At(Make.Refund(T0.AddMinutes(2), "ord-1", 10m), 2), Rules));
        Assert.Equal(80m, state.Value.LifetimeSpend);
    }

    [Fact]
    public void The_same_order_under_a_new_event_id_beyond_the_remembered_orders_is_refused()
    {
        var state = new CustomerState();
        state.Apply(Make.At(Make.Purchase(T0, 30m, orderId: "ord-1"), 0), Rules);
        for (var i = 1; i <= 200; i++)
        {
            state.Apply(Make.At(Make.Purchase(T0.AddMinutes(i), 1m), i), Rules);
        }

        Assert.Equal(ApplyOutcome.Reject(RejectionReasons.DuplicateOrder), state.Apply(Make.At(Make.Purchase(T0.AddHours(5), 30m, orderId: "ord-1"), 300), Rules));
    }

    [Fact]
    public void The_same_voucher_under_a_new_event_id_is_refused_and_spends_nothing()
    {
        var state = new CustomerState();
        state.Apply(Make.At(Make.Purchase(T0, 100m), 0), Rules);
        state.Apply(Make.At(Make.Redeem(T0.AddMinutes(1), 10) with { RedemptionId = "vch-1" }, 1), Rules);

        var again = state.Apply(Make.At(Make.Redeem(T0.AddMinutes(2), 10) with { RedemptionId = "vch-1" }, 2), Rules);

        Assert.Equal(ApplyOutcome.Reject(RejectionReasons.DuplicateRedemption), again);
        Assert.Equal(10, state.Loyalty.Redeemed);
    }

    [Fact]
    public void Keys_are_forgotten_once_older_than_the_retention_in_the_customers_own_event_time()
    {
        var rules = new CustomerRules { Dedupe = new DedupePolicy { KeyRetentionDays = 7 } };
        var state = new CustomerState();
        var adjustment = Make.Adjust(T0, 5, eventId: "adj-1");
        state.Apply(Make.At(adjustment, 0), rules);
        for (var i = 1; i <= 40; i++)
        {
            state.Apply(Make.At(Make.Click(ClickAction.PageView, T0.AddDays(i / 4.0)), i, Make.ClickStream), rules);
        }

        Assert.Equal(ApplyOutcome.Duplicate, state.Apply(Make.At(adjustment, 1), rules));

        // Ten days on, a purchase moves the key clock past the retention: the old key goes.
        state.Apply(Make.At(Make.Purchase(T0.AddDays(10), 1m), 2), rules);
        Assert.Equal(ApplyOutcome.Applied, state.Apply(Make.At(adjustment, 3), rules));
    }

    [Fact]
    public void Keys_are_capped_oldest_first()
    {
        var rules = new CustomerRules { Dedupe = new DedupePolicy { MaxKeys = 10 } };
        var state = new CustomerState();
        for (var i = 0; i < 50; i++)
        {
            state.Apply(Make.At(Make.Adjust(T0.AddMinutes(i), 1, eventId: $"adj-{i}"), i), rules);
        }

        Assert.Equal(10, state.Progress.AppliedKeys.Count);
        Assert.True(state.Progress.HasKey(BusinessKeys.OfEvent("adj-49")));
        Assert.False(state.Progress.HasKey(BusinessKeys.OfEvent("adj-39")));
    }

    private static (PurchaseEvent, RefundEvent, PointsRedeemedEvent, PointsAdjustedEvent) Originals() => (
        Make.Purchase(T0, 100m, orderId: "ord-1", eventId: "p-1"),
        Make.Refund(T0.AddMinutes(1), "ord-1", 10m, eventId: "r-1") with { RefundId = "rf-1" },
        Make.Redeem(T0.AddMinutes(2), 20, eventId: "x-1") with { RedemptionId = "vch-1" },
        Make.Adjust(T0.AddMinutes(3), 7, eventId: "a-1") with { AdjustmentId = "adj-1" });
}

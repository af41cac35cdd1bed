using Engine.Domain.Customers;
using Engine.Domain.Events;
using Engine.Domain.Processing;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class CustomerStateTests
{
    private static readonly DateTimeOffset T0 = Make.T0;
    private static readonly CustomerRules Rules = new();

    [Fact]
    public void Each_accepted_event_is_applied_and_counted()
    {
        var state = new CustomerState();

        Assert.Equal(ApplyOutcome.Applied, state.Apply(Make.At(Make.Click(ClickAction.PageView, T0), 0), Rules));
        Assert.Equal(ApplyOutcome.Applied, state.Apply(Make.At(Make.Purchase(T0, 25m), 0), Rules));
        Assert.Equal(ApplyOutcome.Applied, state.Apply(Make.At(Make.Profile(T0) with { FirstName = "Jordan" }, 0), Rules));

        Assert.Equal(3, state.EventsApplied);
        Assert.Equal(1, state.Engagement.PageViews);
        Assert.Equal(25m, state.Value.LifetimeSpend);
        Assert.Equal("Jordan", state.Profile.FirstName);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(9)]
    [InlineData(0)]
    public void Event_at_or_below_the_stream_watermark_is_duplicate_and_changes_nothing(long offset)
    {
        var state = new CustomerState();
        state.Apply(Make.At(Make.Purchase(T0, 25m), 10), Rules);

        // A replay after a crash: a different event id, but a position already applied.
        var outcome = state.Apply(Make.At(Make.Purchase(T0.AddDays(1), 99m), offset), Rules);

        Assert.Equal(ApplyOutcome.Duplicate, outcome);
        Assert.Equal(25m, state.Value.LifetimeSpend);
        Assert.Equal(1, state.Value.Orders);
        Assert.Equal(1, state.EventsApplied);
        Assert.Equal(10, state.Progress.WatermarkOf(Make.PurchaseStream));
    }

    [Fact]
    public void Same_event_id_at_a_new_offset_is_duplicate()
    {
        var state = new CustomerState();
        var click = Make.AddToCart(T0, "SKU-A", 1);
        state.Apply(Make.At(click, 3), Rules);

        // A producer retry: the same event, written again further down the partition.
        var outcome = state.Apply(Make.At(click, 4), Rules);

        Assert.Equal(ApplyOutcome.Duplicate, outcome);
        Assert.Equal(1, state.Cart.ItemCount);
        Assert.Equal(1, state.Engagement.AddToCarts);
        Assert.Equal(1, state.EventsApplied);
        // The stream is handled up to the retry's offset, so the ingestion can commit past it.
        Assert.Equal(4, state.Progress.WatermarkOf(Make.At(click, 4).Position.Stream));
    }

    [Fact]
    public void Watermarks_of_different_streams_are_independent()
    {
        var state = new CustomerState();
        state.Apply(Make.At(Make.Click(ClickAction.PageView, T0), 500, "engagement.clicks/0"), Rules);

        Assert.Equal(ApplyOutcome.Applied, state.Apply(Make.At(Make.Purchase(T0), 3, "engagement.purchases/0"), Rules));
        Assert.Equal(ApplyOutcome.Applied, state.Apply(Make.At(Make.Click(ClickAction.PageView, T0), 7, "engagement.clicks/1"), Rules));
        Assert.Equal(ApplyOutcome.Duplicate, state.Apply(Make.At(Make.Click(ClickAction.PageView, T0), 7, "engagement.clicks/0"), Rules));
        Assert.Equal(3, state.EventsApplied);
    }

    [Fact]
    public void Rejected_event_is_recorded_so_its_replay_is_duplicate_and_it_is_not_counted()
    {
        var state = new CustomerState();
        var purchase = Make.Purchase(T0, 20m, currency: "GBP");

        var first = state.Apply(Make.At(purchase, 0), Rules);
        var replayAtSameOffset = state.Apply(Make.At(purchase, 0), Rules);
        var retryAtNewOffset = state.Apply(Make.At(purchase, 1), Rules);

        Assert.Equal(ApplyOutcome.Reject(RejectionReasons.CurrencyNotAccepted), first);
        Assert.Equal(ApplyOutcome.Duplicate, replayAtSameOffset);
        Assert.Equal(ApplyOutcome.Duplicate, retryAtNewOffset);
        Assert.Equal(0, state.EventsApplied);
        Assert.Equal(0, state.Value.Orders);
        Assert.Equal(1, state.Progress.WatermarkOf(Make.PurchaseStream));
    }

    [Fact]
    public void Corrected_event_under_a_new_event_id_is_applied()
    {
        var state = new CustomerState();
        state.Apply(Make.At(Make.Purchase(T0, 20m, orderId: "ord-1", eventId: "evt-1", currency: "GBP"), 0), Rules);

        var outcome = state.Apply(Make.At(Make.Purchase(T0, 20m, orderId: "ord-1", eventId: "evt-1b"), 1), Rules);

        Assert.Equal(ApplyOutcome.Applied, outcome);
        Assert.Equal(20m, state.Value.LifetimeSpend);
        Assert.Equal(1, state.EventsApplied);
    }

    [Fact]
    public void Recent_event_ids_are_forgotten_after_thirty_two_other_events()
    {
        // Documents the limit of producer-retry detection: only the last
        // StreamProgress.DefaultRecentEventIdCapacity (32) event ids are remembered. A retry that lands
        // after 32 other events of the same customer is applied a second time; money and points
        // events keep their ids longer (BusinessKeyDedupeTests), clicks and profile updates do not.
        var state = new CustomerState();
        var click = Make.Click(ClickAction.PageView, T0, eventId: "evt-retried");
        state.Apply(Make.At(click, 0), Rules);
        for (var i = 1; i <= StreamProgress.DefaultRecentEventIdCapacity - 1; i++)
        {
            state.Apply(Make.At(Make.Click(ClickAction.PageView, T0), i), Rules);
        }

        Assert.Equal(ApplyOutcome.Duplicate, state.Apply(Make.At(click, 100), Rules));

        state.Apply(Make.At(Make.Click(ClickAction.PageView, T0), 101), Rules);

        Assert.Equal(ApplyOutcome.Applied, state.Apply(Make.At(click, 102), Rules));
        Assert.Equal(StreamProgress.DefaultRecentEventIdCapacity + 2, state.Engagement.PageViews);
    }

    [Fact]
    public void Retried_purchase_beyond_the_event_id_ring_is_still_skipped_by_its_kept_event_id()
    {
        var state = new CustomerState();
        var purchase = Make.Purchase(T0, 30m, orderId: "ord-1", eventId: "evt-retried");
        state.Apply(Make.At(purchase, 0), Rules);
        for (var i = 1; i <= StreamProgress.DefaultRecentEventIdCapacity; i++)
        {
            state.Apply(Make.At(Make.Click(ClickAction.PageView, T0), i, Make.ClickStream), Rules);
        }

        var outcome = state.Apply(Make.At(purchase, 1), Rules);

        Assert.Equal(ApplyOutcome.Duplicate, outcome);
        Assert.Equal(30m, state.Value.LifetimeSpend);
    }

    [Fact]
    public void Purchase_feeds_value_engagement_and_cart()
    {
        var state = new CustomerState();
        state.Apply(Make.At(Make.AddToCart(T0, "SKU-A", 1, 30m), 0), Rules);

        state.Apply(Make.At(Make.Purchase(T0.AddMinutes(5), 30m, items: [Make.Line("SKU-A", 1, 30m)]), 0), Rules);

        Assert.Equal(30m, state.Value.LifetimeSpend);
        Assert.True(state.Cart.IsEmpty);
        Assert.Equal(T0.AddMinutes(5), state.Engagement.LastSeenAt);
    }
}

using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Events;
using Engine.Grains.Customers;

namespace Engine.Grains.Tests;

/// <summary><see cref="EventBatchApplication"/>: each event once, in order, and a batch that does not continue the state refused.</summary>
[Trait("Category", "Unit")]
public sealed class EventBatchApplicationTests
{
    private const string Stream = "engagement.clicks/1";
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_event_is_applied_once_and_counts_as_unsaved_only_if_it_moved_the_watermark()
    {
        var state = new CustomerState { CustomerId = "c-1" };
        var first = Click("e-1", 10);

        var (report, changed) = EventBatchApplication.Apply(state, new EventBatch([first, Click("e-2", 11)]), new CustomerRules());
        Assert.Equal((2, 0, 2), (report.Applied, report.Duplicates, changed));

        // Re-delivered after a rewind: skipped, nothing new to write.
        (report, changed) = EventBatchApplication.Apply(state, new EventBatch([first]), new CustomerRules());
        Assert.Equal((0, 1, 0), (report.Applied, report.Duplicates, changed));
        Assert.Equal(11, state.Progress.WatermarkOf(Stream));
    }

    [Fact]
    public void A_batch_expecting_events_the_state_no_longer_holds_shows_the_gap()
    {
        var state = new CustomerState { CustomerId = "c-1" };
        state.Progress.Watermarks[Stream] = 7;

        Assert.Empty(EventBatchApplication.Gaps(state, new EventBatch([], new Dictionary<string, long> { [Stream] = 7 })));
        Assert.Equal([Stream], EventBatchApplication.Gaps(state, new EventBatch([], new Dictionary<string, long> { [Stream] = 9 })));
    }

    [Fact]
    public void Rules_that_throw_stop_the_batch_at_that_event_and_name_it_with_the_exception_type_only()
    {
        var state = new CustomerState { CustomerId = "c-1" };
        // Each amount parses (the parser's bounds are not asked here); together they overflow lifetime spend.
        var batch = new EventBatch([Purchase("e-1", 1, 50_000_000_000_000_000_000_000_000_000m), Purchase("e-2", 2, 50_000_000_000_000_000_000_000_000_000m), Click("e-3", 3)]);

        var (report, changed) = EventBatchApplication.Apply(state, batch, new CustomerRules());

        Assert.Equal(new ApplyFailure(new EventPosition(Stream, 2), "e-2", nameof(OverflowException)), report.Failure);
        Assert.Equal((0, 0, 0), (report.Applied, report.Duplicates, changed));
        Assert.Empty(report.Rejections);
    }

    private static SequencedEvent Purchase(string id, long offset, decimal amount) => new(
        new PurchaseEvent { EventId = id, CustomerId = "c-1", OccurredAt = T0.AddSeconds(offset), OrderId = "o-" + id, Amount = amount, Currency = "USD", Items = [] },
        new EventPosition(Stream, offset));

    private static SequencedEvent Click(string id, long offset) => new(
        new ClickEvent { EventId = id, CustomerId = "c-1", OccurredAt = T0.AddSeconds(offset), Action = ClickAction.PageView, SessionId = "s-1" },
        new EventPosition(Stream, offset));
}

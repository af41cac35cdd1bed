using Engine.Contracts;
using Engine.Silo.Ingestion;
using static Engine.Silo.Tests.Ingestion.Ingest;

namespace Engine.Silo.Tests.Ingestion;

[Trait("Category", "Unit")]
public sealed class BatchDispatcherTests
{
    private readonly FakeCustomers _customers = new();
    private readonly TrackedPartitions _partitions = new();
    private readonly IngestionOptions _options = new() { MaxEventsPerCall = 256 };

    private BatchDispatcher Dispatcher() => new(_customers.Get, _partitions, _options);

    [Fact]
    public async Task Each_customer_gets_one_call_with_its_events_in_offset_order()
    {
        var batch = Batch(_partitions, (P0, 1, "a"), (P0, 2, "b"), (P1, 1, "a"), (P0, 3, "a"), (P0, 4, "b"), (P1, 2, "a"));

        var outcomes = await Dispatcher().Dispatch(batch);

        Assert.Equal(["a", "b"], outcomes.Select(o => o.CustomerId).Order());
        var a = Assert.Single(_customers["a"].Batches);
        Assert.Equal([(StreamOf(P0), 1L), (StreamOf(P1), 1L), (StreamOf(P0), 3L), (StreamOf(P1), 2L)], a.Events.Select(e => (e.Position.Stream, e.Position.Offset)));
        Assert.Equal([2L, 4L], Assert.Single(_customers["b"].Batches).Events.Select(e => e.Position.Offset));
        Assert.Null(a.ExpectedWatermarks);
        Assert.All(outcomes, o => Assert.Equal(o.CustomerId == "a" ? 4 : 2, o.Report!.Applied));
    }

    [Fact]
    public async Task A_call_expects_the_last_offset_given_to_that_customer_in_each_stream()
    {
        _partitions.Track(P0).Pending["a"] = new CustomerPending(LastDispatched: 17, PendingFrom: 12, PendingSince: 0);
        _partitions.Track(P1);
        var batch = Batch(_partitions, (P0, 20, "a"), (P1, 5, "a"));

        await Dispatcher().Dispatch(batch);

        Assert.Equal(new Dictionary<string, long> { [StreamOf(P0)] = 17 }, Assert.Single(_customers["a"].Batches).ExpectedWatermarks);
    }

    [Fact]
    public async Task More_than_MaxEventsPerCall_go_in_calls_in_order_and_only_the_first_carries_the_expected_watermarks()
    {
        _options.MaxEventsPerCall = 2;
        _partitions.Track(P0).Pending["a"] = new CustomerPending(9, 9, 0);
        _customers["a"].Apply = batch => new ApplyReport(batch.Events.Count - 1, 1, [new EventRejection(batch.Events[0].Position, batch.Events[0].Event.EventId, "r")], []);
        var batch = Batch(_partitions, (P0, 10, "a"), (P0, 11, "a"), (P0, 12, "a"), (P0, 13, "a"), (P0, 14, "a"));

        var outcome = Assert.Single(await Dispatcher().Dispatch(batch));

        var calls = _customers["a"].Batches.ToList();
        Assert.Equal([[10L, 11L], [12L, 13L], [14L]], calls.Select(c => c.Events.Select(e => e.Position.Offset).ToList()));
        Assert.Equal(9, calls[0].ExpectedWatermarks![StreamOf(P0)]);
        Assert.All(calls.Skip(1), c => Assert.Null(c.ExpectedWatermarks));
        Assert.Equal(2, outcome.Report!.Applied);
        Assert.Equal(3, outcome.Report.Duplicates);
        Assert.Equal([10L, 12L, 14L], outcome.Report.Rejections.Select(r => r.Position.Offset));
    }

    [Fact]
    public async Task A_gap_in_the_first_call_stops_the_calls_that_would_follow()
    {
        _options.MaxEventsPerCall = 2;
        _customers["a"].Apply = _ => new ApplyReport(0, 0, [], [StreamOf(P0)]);
        var batch = Batch(_partitions, (P0, 10, "a"), (P0, 11, "a"), (P0, 12, "a"));

        var outcome = Assert.Single(await Dispatcher().Dispatch(batch));

        Assert.Single(_customers["a"].Batches);
        Assert.True(outcome.Report!.HasGap);
    }

    [Fact]
    public async Task A_failed_call_is_reported_with_its_error_and_the_other_customers_go_on()
    {
        _customers["a"].Apply = _ => throw new TimeoutException("silo gone");
        var batch = Batch(_partitions, (P0, 1, "a"), (P0, 2, "b"));

        var outcomes = (await Dispatcher().Dispatch(batch)).ToDictionary(o => o.CustomerId);

        Assert.IsType<TimeoutException>(outcomes["a"].Error);
        Assert.Null(outcomes["a"].Report);
        Assert.Null(outcomes["b"].Error);
        Assert.Equal(1, outcomes["b"].Report!.Applied);
    }
}

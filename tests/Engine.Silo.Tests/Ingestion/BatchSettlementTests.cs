using Engine.Contracts;
using Engine.Domain.Events;
using Engine.Silo.Ingestion;
using Engine.Silo.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Engine.Silo.Tests.Ingestion.Ingest;

namespace Engine.Silo.Tests.Ingestion;

[Trait("Category", "Unit")]
public sealed class BatchSettlementTests
{
    private readonly FakeTimeProvider _time = new(Start);
    private readonly FakeConsumer _consumer;
    private readonly FakeDeadLetters _deadLetters = new();
    private readonly TrackedPartitions _partitions = new();
    private readonly EngineMetrics _metrics = NewMetrics();
    private readonly BatchSettlement _settlement;

    public BatchSettlementTests()
    {
        _consumer = new FakeConsumer(_time);
        foreach (var partition in new[] { P0, P1, P2 })
        {
            var progress = _partitions.Track(partition);
            progress.CommittedOffset = 100;
            progress.RestartOffset = 100;
        }

        _settlement = new BatchSettlement(_partitions, new PartitionRewinds(_consumer, _metrics, NullLogger.Instance), _deadLetters, _metrics, _time, NullLogger.Instance);
    }

    private static CustomerOutcome Applied(string customerId, int count, params EventRejection[] rejections) => new(customerId, new ApplyReport(count, 0, rejections, []), null);

    private void Settle(IngestionBatch batch, IngestionBatch? next, params CustomerOutcome[] outcomes)
    {
        _settlement.Dispatched(batch, Task.FromResult(outcomes));
        _settlement.FinishInFlight(next);
    }

    private PartitionProgress Progress(Confluent.Kafka.TopicPartition partition) =>
        _partitions.TryGet(partition, out var progress) ? progress : throw new InvalidOperationException("not tracked");

    [Fact]
    public void Applied_events_advance_the_completed_offset_and_record_what_each_customer_was_given()
    {
        var batch = Batch(_partitions, (P0, 100, "a"), (P0, 101, "b"), (P0, 102, "a"), (P1, 100, "b"));

        Settle(batch, null, Applied("a", 2), Applied("b", 2));

        Assert.Equal(102, Progress(P0).CompletedOffset);
        Assert.Equal(100, Progress(P1).CompletedOffset);
        Assert.Equal(new CustomerPending(102, 100, _time.GetTimestamp()), Progress(P0).Pending["a"]);
        Assert.Equal(101, Progress(P0).Pending["b"].LastDispatched);
        Assert.Equal([100L, 101L, 102L], Progress(P0).Uncommitted.Select(u => u.Offset).Order());
        Assert.Empty(_consumer.Seeks);
        Assert.Equal(4, _metrics.EventsApplied.Value);
    }

    [Fact]
    public void A_gap_rewinds_exactly_that_stream_to_its_commit_and_drops_it_from_the_next_batch()
    {
        var batch = Batch(_partitions, (P0, 100, "a"), (P1, 100, "a"), (P0, 101, "b"));
        var next = Batch(_partitions, (P0, 102, "a"), (P1, 101, "a"), (P0, 103, "c"));

        Settle(batch, next, new CustomerOutcome("a", new ApplyReport(0, 0, [], [StreamOf(P0)]), null), Applied("b", 1));

        var seek = Assert.Single(_consumer.Seeks);
        Assert.Equal((P0, 100L), (seek.TopicPartition, seek.Offset.Value));
        Assert.Equal(99, Progress(P0).CompletedOffset);
        Assert.Empty(Progress(P0).Pending);
        Assert.Equal(100, Progress(P1).CompletedOffset);
        Assert.Equal([(StreamOf(P1), 101L)], next.ByCustomer["a"].Events.Select(e => (e.Position.Stream, e.Position.Offset)));
        Assert.False(next.ByCustomer.ContainsKey("c"));
        Assert.Equal(1, next.Count);
        Assert.False(next.MaxOffsets.ContainsKey(P0));
        Assert.Equal(1, _metrics.Rewinds.WithLabels("gap").Value);
    }

    [Fact]
    public void A_failed_call_rewinds_every_stream_of_that_customer_and_no_other()
    {
        var batch = Batch(_partitions, (P0, 100, "a"), (P1, 100, "a"), (P2, 100, "b"));

        Settle(batch, null, new CustomerOutcome("a", null, new TimeoutException()), Applied("b", 1));

        Assert.Equal([(P0, 100L), (P1, 100L)], _consumer.Seeks.Select(s => (s.TopicPartition, s.Offset.Value)).OrderBy(s => s.TopicPartition.Partition.Value));
        Assert.Equal(100, Progress(P2).CompletedOffset);
        Assert.Equal(100, Progress(P2).Pending["b"].LastDispatched);
        Assert.Equal(2, _metrics.Rewinds.WithLabels("call-failed").Value);
    }

    [Fact]
    public void A_partition_never_committed_rewinds_to_where_this_silo_began_reading_it()
    {
        Progress(P0).CommittedOffset = null;
        Progress(P0).RestartOffset = 42;
        var batch = Batch(_partitions, (P0, 42, "a"));

        Settle(batch, null, new CustomerOutcome("a", new ApplyReport(0, 0, [], [StreamOf(P0)]), null));

        Assert.Equal([(P0, 42L)], _consumer.Seeks.Select(s => (s.TopicPartition, s.Offset.Value)));
    }

    [Fact]
    public void An_event_the_rules_refuse_is_dead_lettered_and_its_offset_completes()
    {
        var batch = Batch(_partitions, (P0, 100, "a"), (P0, 101, "a"));

        Settle(batch, null, Applied("a", 1, new EventRejection(new EventPosition(StreamOf(P0), 101), "e-0-101", "currency-not-accepted")));

        Assert.Equal([(101L, "currency-not-accepted")], _deadLetters.Published);
        Assert.Equal(101, Progress(P0).CompletedOffset);
        Assert.Empty(_consumer.Seeks);
    }

    [Fact]
    public void A_refusal_whose_dead_letter_fails_rewinds_its_stream()
    {
        _deadLetters.Fail = true;
        var batch = Batch(_partitions, (P0, 100, "a"), (P1, 100, "b"));

        Settle(batch, null, Applied("a", 0, new EventRejection(new EventPosition(StreamOf(P0), 100), "e-0-100", "currency-not-accepted")), Applied("b", 1));

        Assert.Equal([(P0, 100L)], _consumer.Seeks.Select(s => (s.TopicPartition, s.Offset.Value)));
        Assert.Equal(99, Progress(P0).CompletedOffset);
        Assert.Equal(100, Progress(P1).CompletedOffset);
        Assert.Equal(1, _metrics.Rewinds.WithLabels("dead-letter-failed").Value);
    }

    [Fact]
    public void An_invalid_message_whose_dead_letter_fails_rewinds_its_partition()
    {
        var batch = Batch(_partitions, (P1, 100, "b"));
        batch.AddDeadLetter(Progress(P0), 100, Task.FromException(new TimeoutException()));

        Settle(batch, null, Applied("b", 1));

        Assert.Equal([(P0, 100L)], _consumer.Seeks.Select(s => (s.TopicPartition, s.Offset.Value)));
        Assert.Equal(99, Progress(P0).CompletedOffset);
        Assert.Equal(100, Progress(P1).CompletedOffset);
    }

    [Fact]
    public void Nothing_is_settled_while_no_batch_is_in_the_grains()
    {
        _settlement.FinishInFlight(null);

        Assert.False(_settlement.HasInFlight);
        Assert.Empty(_consumer.Seeks);
    }
}

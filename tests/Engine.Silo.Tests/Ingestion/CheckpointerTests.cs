using Engine.Grains;
using Engine.Silo.Ingestion;
using Engine.Silo.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Engine.Silo.Tests.Ingestion.Ingest;

namespace Engine.Silo.Tests.Ingestion;

[Trait("Category", "Unit")]
public sealed class CheckpointerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly FakeConsumer _consumer;
    private readonly FakeCustomers _customers = new();
    private readonly TrackedPartitions _partitions = new();
    private readonly EngineMetrics _metrics = NewMetrics();
    private readonly IngestionStatus _status = new();
    private readonly Checkpointer _checkpointer;
    private readonly PartitionProgress _p0;

    public CheckpointerTests()
    {
        _consumer = new FakeConsumer(_time);
        _consumer.Assignment.AddRange([P0, P1]);
        var options = new IngestionOptions { CheckpointInterval = Interval, InitialRetryDelay = TimeSpan.FromMilliseconds(500), MaxRetryDelay = TimeSpan.FromSeconds(30), FlushConcurrency = 4 };
        var rewinds = new PartitionRewinds(_consumer, _metrics, NullLogger.Instance);
        var outage = new StorageOutage(_consumer, options, _metrics, _status, NullLogger.Instance);
        var commit = new CheckpointCommit(_consumer, _partitions, rewinds, outage, _metrics, _time, NullLogger.Instance);
        _checkpointer = new Checkpointer(_partitions, _customers.Get, commit, options, new WriteBehindOptions { MaxUnsavedAge = TimeSpan.FromMinutes(1) }, _metrics, _time);

        // Committed through 99; a was given 100..110, b 105..120, both long enough ago to be asked.
        _p0 = _partitions.Track(P0);
        (_p0.CommittedOffset, _p0.RestartOffset, _p0.CompletedOffset) = (100, 100, 120);
        var longAgo = _time.GetTimestamp() - _time.TicksOf(TimeSpan.FromMinutes(2));
        _p0.Pending["a"] = new CustomerPending(LastDispatched: 110, PendingFrom: 100, PendingSince: longAgo);
        _p0.Pending["b"] = new CustomerPending(LastDispatched: 120, PendingFrom: 105, PendingSince: longAgo);
        _customers["a"].Report = () => Watermarks(P0, durable: 110, applied: 110);
        _customers["b"].Report = () => Watermarks(P0, durable: 104, applied: 120);
    }

    private void RunDueCheckpoint()
    {
        Assert.True(_checkpointer.IsDue);
        _checkpointer.MaybeRun();
        _checkpointer.WaitForRunning();
    }

    private List<(Confluent.Kafka.TopicPartition, long)> Committed() =>
        [.. _consumer.Commits.SelectMany(c => c).Select(o => (o.TopicPartition, o.Offset.Value))];

    [Fact]
    public void Commits_behind_the_durable_watermark_every_interval()
    {
        _checkpointer.MaybeRun();
        Assert.Equal(0, _customers["a"].Checkpoints);

        _time.Advance(Interval);
        RunDueCheckpoint();

        // b holds 105..120 only in memory: the commit stops where they begin.
        Assert.Equal([(P0, 105L)], Committed());
        Assert.Equal(105, _p0.CommittedOffset);
        Assert.False(_p0.Pending.ContainsKey("a"));
        Assert.Equal(105, _p0.Pending["b"].PendingFrom);
        Assert.Equal((1, 1, 0, 0), (_customers["a"].Checkpoints, _customers["b"].Checkpoints, _customers["a"].Flushes, _customers["b"].Flushes));
        Assert.Equal(1, _metrics.Checkpoints.WithLabels("committed").Value);
        Assert.False(_checkpointer.IsDue);
    }

    [Fact]
    public void A_customer_with_younger_events_is_not_asked_and_holds_the_commit_where_they_begin()
    {
        _p0.Pending.Remove("b");
        _p0.Pending["c"] = new CustomerPending(LastDispatched: 118, PendingFrom: 115, PendingSince: _time.GetTimestamp());

        _time.Advance(Interval);
        RunDueCheckpoint();

        Assert.Equal([(P0, 115L)], Committed());
        Assert.Equal(0, _customers["c"].Checkpoints);
    }

    [Fact]
    public void A_failed_customer_commits_nothing_of_its_partition_pauses_and_backs_off_until_a_checkpoint_succeeds()
    {
        _customers["a"].Report = () => throw new TimeoutException("storage down");
        _time.Advance(Interval);

        // Each failure waits about twice as long as the last (jitter on the upper half): 0.25-0.5 s, 0.5-1 s, 1-2 s.
        foreach (var (notBefore, dueBy) in new[] { (250, 500), (500, 1000), (1000, 2000) })
        {
            RunDueCheckpoint();
            Assert.Empty(Committed());
            Assert.Equal([P0, P1], _consumer.Paused);
            Assert.False(_status.StorageAvailable);
            Assert.Equal(1, _metrics.IngestionPaused.Value);

            _time.Advance(TimeSpan.FromMilliseconds(notBefore - 1));
            Assert.False(_checkpointer.IsDue);
            _time.Advance(TimeSpan.FromMilliseconds(dueBy - notBefore + 1));
        }

        Assert.Equal(3, _metrics.Checkpoints.WithLabels("failed").Value);
        _customers["a"].Report = () => Watermarks(P0, durable: 110, applied: 110);
        RunDueCheckpoint();

        Assert.Equal([(P0, 105L)], Committed());
        Assert.Equal([P0, P1], _consumer.Resumed);
        Assert.True(_status.StorageAvailable);
        Assert.Equal(0, _metrics.IngestionPaused.Value);
        _time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.False(_checkpointer.IsDue);
    }

    [Fact]
    public void A_customer_that_lost_events_it_was_given_rewinds_its_partition_to_the_commit()
    {
        _customers["b"].Report = () => Watermarks(P0, durable: 104, applied: 108);
        _time.Advance(Interval);

        RunDueCheckpoint();

        Assert.Empty(Committed());
        Assert.Equal([(P0, 100L)], _consumer.Seeks.Select(s => (s.TopicPartition, s.Offset.Value)));
        Assert.Empty(_p0.Pending);
        Assert.Equal(99, _p0.CompletedOffset);
        Assert.Equal(1, _metrics.Rewinds.WithLabels("lost-state").Value);
    }

    [Fact]
    public void Running_now_flushes_every_customer_of_the_partitions_and_commits_them()
    {
        _p0.Pending["c"] = new CustomerPending(LastDispatched: 118, PendingFrom: 115, PendingSince: _time.GetTimestamp());
        _customers["b"].Report = () => Watermarks(P0, durable: 120, applied: 120);
        _customers["c"].Report = () => Watermarks(P0, durable: 118, applied: 118);

        _checkpointer.RunNow([_p0]);

        Assert.Equal([(P0, 121L)], Committed());
        Assert.Equal([1, 1, 1], new[] { "a", "b", "c" }.Select(c => _customers[c].Flushes));
        Assert.Empty(_p0.Pending);
    }
}

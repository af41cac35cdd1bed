using Engine.Grains;
using Engine.Silo.Ingestion;
using Engine.Silo.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Engine.Silo.Tests.Ingestion.Ingest;

namespace Engine.Silo.Tests.Ingestion;

[Trait("Category", "Unit")]
public sealed class PartitionAssignmentsTests
{
    private readonly FakeTimeProvider _time = new(Start);
    private readonly List<string> _journal = [];
    private readonly FakeConsumer _consumer;
    private readonly FakeCustomers _customers;
    private readonly TrackedPartitions _partitions = new();
    private readonly BatchSettlement _settlement;
    private readonly StorageOutage _outage;
    private readonly PartitionAssignments _assignments;
    private readonly Checkpointer _checkpointer;
    private readonly IngestionOptions _options = new();

    public PartitionAssignmentsTests()
    {
        _consumer = new FakeConsumer(_time, _journal);
        _customers = new FakeCustomers(_journal);
        var metrics = NewMetrics();
        var options = _options;
        var rewinds = new PartitionRewinds(_consumer, metrics, NullLogger.Instance);
        _outage = new StorageOutage(_consumer, options, metrics, new IngestionStatus(), NullLogger.Instance);
        _settlement = new BatchSettlement(_partitions, rewinds, new FakeDeadLetters(), metrics, _time, NullLogger.Instance);
        var commit = new CheckpointCommit(_consumer, _partitions, rewinds, _outage, metrics, _time, NullLogger.Instance);
        var checkpointer = _checkpointer = new Checkpointer(_partitions, _customers.Get, commit, options, new WriteBehindOptions(), metrics, _time);
        _assignments = new PartitionAssignments(_partitions, _settlement, checkpointer, _outage, NullLogger.Instance);

        _assignments.Assigned([P0, P1]);
        foreach (var (partition, customer) in new[] { (P0, "a"), (P1, "b") })
        {
            var progress = Progress(partition);
            (progress.CommittedOffset, progress.RestartOffset, progress.CompletedOffset) = (100, 100, 110);
            progress.Pending[customer] = new CustomerPending(110, 100, 0);
            _customers[customer].Report = () => Watermarks(partition, durable: 999, applied: 999);
        }

        // A batch still in the grains: c was given P0@111.
        _customers["c"].Report = () => Watermarks(P0, durable: 111, applied: 111);
        var inFlight = Batch(_partitions, (P0, 111, "c"));
        _settlement.Dispatched(inFlight, Task.FromResult(new[] { new CustomerOutcome("c", new Engine.Contracts.ApplyReport(1, 0, [], []), null) }));
    }

    private PartitionProgress Progress(Confluent.Kafka.TopicPartition partition) =>
        _partitions.TryGet(partition, out var progress) ? progress : throw new InvalidOperationException("not tracked");

    [Fact]
    public void Revocation_settles_the_batch_in_the_grains_flushes_the_partitions_customers_then_commits_them()
    {
        _assignments.Revoked([P0]);

        Assert.Equal(["flush a", "flush c"], _journal.Take(2).Order());
        Assert.Equal([$"commit {P0}@112"], _journal.Skip(2));
        Assert.False(_partitions.TryGet(P0, out _));
        Assert.True(_partitions.TryGet(P1, out _));
        Assert.Equal(0, _customers["b"].Flushes);
        Assert.False(_settlement.HasInFlight);
    }

    [Fact]
    public void A_revoked_partition_whose_customer_cannot_write_is_handed_over_uncommitted()
    {
        _customers["a"].Report = () => throw new TimeoutException("storage down");

        _assignments.Revoked([P0]);

        Assert.Empty(_consumer.Commits);
        Assert.False(_partitions.TryGet(P0, out _));
    }

    [Fact]
    public void Lost_partitions_are_forgotten_without_a_flush_or_a_commit()
    {
        _assignments.Lost([P0]);

        Assert.Empty(_journal);
        Assert.Empty(_consumer.Commits);
        Assert.False(_partitions.TryGet(P0, out _));
        Assert.True(_partitions.TryGet(P1, out _));
        Assert.False(_settlement.HasInFlight);
    }

    [Fact]
    public void Partitions_assigned_while_storage_is_down_start_paused()
    {
        _outage.CheckpointFailed(1, "storage down");
        var p2 = new Confluent.Kafka.TopicPartition(Topic, 2);

        _assignments.Assigned([p2]);
        // In the rebalance handler the consumer does not hold it yet: it is paused once it does.
        Assert.DoesNotContain(p2, _consumer.Paused);
        _consumer.Assignment.Add(p2);
        _outage.SettleAssigned();

        Assert.Contains(p2, _consumer.PausedNow);
        Assert.Equal(-1, Progress(p2).CompletedOffset);
    }

    [Fact]
    public void Ingestion_paused_by_an_outage_resumes_once_a_rebalance_took_every_partition_holding_unstored_events()
    {
        // A checkpoint failed (a customer on a dead silo), so everything is paused; then the
        // rebalance revokes both partitions and assigns a fresh one, paused at once.
        _customers["a"].Report = () => throw new TimeoutException("silo gone");
        _customers["b"].Report = () => throw new TimeoutException("silo gone");
        _outage.CheckpointFailed(2, "silo gone");
        _assignments.Revoked([P0, P1]);
        var p2 = new Confluent.Kafka.TopicPartition(Topic, 2);
        _assignments.Assigned([p2]);
        _consumer.Assignment.Add(p2);
        Assert.True(_outage.IsPaused);

        _time.Advance(_options.CheckpointInterval);
        _checkpointer.MaybeRun();

        // Nothing is left to store: the partition is read again, not paused for ever.
        Assert.False(_outage.IsPaused);
        Assert.Contains(p2, _consumer.Resumed);
    }

    [Fact]
    public void A_partition_paused_by_an_outage_then_revoked_is_read_again_when_it_is_assigned_back()
    {
        // The SIGKILL case: a checkpoint fails (customers on the dead silo), everything pauses,
        // the rebalance revokes both partitions, the outage ends, and one comes back.
        _consumer.Assignment.AddRange([P0, P1]);
        _customers["a"].Report = () => throw new TimeoutException("silo gone");
        _customers["b"].Report = () => throw new TimeoutException("silo gone");
        _outage.CheckpointFailed(2, "silo gone");
        _assignments.Revoked([P0, P1]);
        _consumer.Assignment.Clear();
        _time.Advance(_options.CheckpointInterval);
        _checkpointer.MaybeRun();
        Assert.False(_outage.IsPaused);

        _assignments.Assigned([P0]);
        _consumer.Assignment.Add(P0);
        _outage.SettleAssigned();

        Assert.DoesNotContain(P0, _consumer.PausedNow);
    }
}

using Engine.Contracts;
using Engine.Domain.Events;
using Engine.Domain.Processing;
using Engine.Silo.Ingestion;
using Engine.Silo.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Engine.Silo.Tests.Ingestion.Ingest;

namespace Engine.Silo.Tests.Ingestion;

/// <summary>
/// An event whose rules throw: each failure rewinds and holds its partition for a growing
/// backoff; after MaxApplyAttempts the reader dead-letters it (once, however often the
/// partition is read again) and hands out the rest.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ApplyRetriesTests
{
    private readonly FakeTimeProvider _time = new(Start);
    private readonly FakeConsumer _consumer;
    private readonly FakeDeadLetters _deadLetters = new();
    private readonly TrackedPartitions _partitions = new();
    private readonly EngineMetrics _metrics = NewMetrics();
    private readonly IngestionOptions _options = new() { MaxBatchEvents = 10, MaxApplyAttempts = 3, ApplyRetryDelay = TimeSpan.FromSeconds(1) };
    private readonly ApplyRetries _retries;
    private readonly BatchSettlement _settlement;
    private readonly EventBatchReader _reader;

    public ApplyRetriesTests()
    {
        _consumer = new FakeConsumer(_time);
        var progress = _partitions.Track(P0);
        progress.CommittedOffset = 100;
        progress.RestartOffset = 100;
        _retries = new ApplyRetries(_consumer, _options, _metrics, _time, NullLogger.Instance);
        _settlement = new BatchSettlement(_partitions, new PartitionRewinds(_consumer, _metrics, NullLogger.Instance), _deadLetters, _metrics, _time, NullLogger.Instance, _retries);
        _reader = new EventBatchReader(_consumer, new EventParser(), _partitions, _deadLetters, _options, _metrics, _time, NullLogger.Instance, _retries);
    }

    [Fact]
    public void A_failing_event_is_retried_with_a_growing_backoff_then_dead_lettered_and_the_rest_handed_out()
    {
        var held = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var batch = ReadThree();
            Assert.Equal(3, batch.Count);
            Assert.Empty(_deadLetters.Published);
            var pausedAt = _time.GetUtcNow();
            Settle(batch, Failed("a", 101));

            Assert.Equal(100, _consumer.Seeks[^1].Offset.Value);
            if (attempt < 3)
            {
                Assert.True(_retries.IsHeld(P0));
                while (!_retries.ResumeIsDue)
                {
                    _time.Advance(TimeSpan.FromMilliseconds(100));
                }

                held.Add(_time.GetUtcNow() - pausedAt);
                _retries.ResumeDue(paused: false);
                Assert.Equal(P0, _consumer.Resumed[^1]);
            }
        }

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], held);
        Assert.Equal(3, _metrics.ApplyFailures.Value);

        // The fourth read: 101 goes to the dead letters, 100 and 102 to their customer.
        var last = ReadThree();
        Assert.Equal([(101L, RejectionReasons.ApplyFailed)], _deadLetters.Published);
        Assert.Equal([100L, 102L], last.ByCustomer["a"].Events.Select(e => e.Position.Offset));

        // Read again (another customer's rewind): the dead letter is not written twice.
        ReadThree();
        Assert.Single(_deadLetters.Published);
    }

    [Fact]
    public void A_failure_of_another_kind_starts_counting_again()
    {
        Settle(ReadThree(), Failed("a", 101, "OverflowException"));
        Settle(ReadThree(), Failed("a", 101, "OverflowException"));
        Settle(ReadThree(), Failed("a", 101, "NullReferenceException"));

        ReadThree();
        Assert.Empty(_deadLetters.Published);
    }

    [Fact]
    public void Storage_recovery_does_not_resume_a_partition_held_for_a_retry()
    {
        _consumer.Assignment.AddRange([P0, P1]);
        var outage = new StorageOutage(_consumer, _options, _metrics, new IngestionStatus(), NullLogger.Instance, held: _retries.IsHeld);
        outage.CheckpointFailed(1, "down");
        Settle(ReadThree(), Failed("a", 101));

        outage.CheckpointSucceeded();

        Assert.Equal([P1], _consumer.Resumed);
    }

    private IngestionBatch ReadThree()
    {
        foreach (var offset in new long[] { 100, 101, 102 })
        {
            _consumer.Messages.Enqueue(Message(P0, offset, "a"));
        }

        return _reader.Read(() => true, default);
    }

    private void Settle(IngestionBatch batch, CustomerOutcome outcome)
    {
        _settlement.Dispatched(batch, Task.FromResult(new[] { outcome }));
        _settlement.FinishInFlight(null);
    }

    private static CustomerOutcome Failed(string customerId, long offset, string errorType = "OverflowException") =>
        new(customerId, new ApplyReport(0, 0, [], []) { Failure = new ApplyFailure(new EventPosition(StreamOf(P0), offset), $"e-0-{offset}", errorType) }, null);
}

using Confluent.Kafka;
using Engine.Contracts;
using Engine.Domain.Events;
using Engine.Silo.Metrics;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Events whose rules threw in their grain. Each failure rewinds the customer's streams (the
/// grain dropped its unsaved state) and holds the event's partition for a backoff
/// (<see cref="IngestionOptions.ApplyRetryDelay"/>, doubling); once the same event has failed
/// the same way <see cref="IngestionOptions.MaxApplyAttempts"/> times, the reader dead-letters
/// it (apply-failed) instead of handing it out again, so no event stalls its partition.
/// Failures of the call itself (a silo lost, storage down) are not counted here: those are
/// transient and retried as before. Touched on the consume thread only.
/// </summary>
internal sealed class ApplyRetries(IEventConsumer consumer, IngestionOptions options, EngineMetrics metrics, TimeProvider time, ILogger logger)
{
    private readonly Dictionary<EventPosition, (int Attempts, string ErrorType)> _failures = [];
    private readonly Dictionary<TopicPartition, long> _heldUntil = [];
    private int _deadLetterFailures;

    /// <summary>Partitions held back for a retry's backoff (storage recovery must not resume them early).</summary>
    public bool IsHeld(TopicPartition partition) => _heldUntil.ContainsKey(partition);

    /// <summary>True when a held partition's backoff is over (the idle loop returns to resume it).</summary>
    public bool ResumeIsDue => _heldUntil.Count > 0 && _heldUntil.Values.Min() <= time.GetTimestamp();

    /// <summary>
    /// Records one failed application of an event of <paramref name="partition"/> and holds the
    /// partition for the backoff (the caller rewinds it).
    /// </summary>
    public void Failed(PartitionProgress partition, ApplyFailure failure)
    {
        metrics.ApplyFailures.Inc();
        var attempts = _failures.TryGetValue(failure.Position, out var known) && known.ErrorType == failure.ErrorType ? known.Attempts + 1 : 1;
        _failures[failure.Position] = (attempts, failure.ErrorType);
        logger.LogApplyFailed(failure.ErrorType, partition.Partition.Topic, partition.Partition.Partition.Value, failure.Position.Offset, attempts, options.MaxApplyAttempts);
        if (attempts >= options.MaxApplyAttempts)
        {
            // The next read dead-letters it: no need to wait.
            return;
        }

        Hold(partition.Partition, options.ApplyRetryDelay * Math.Pow(2, attempts - 1));
    }

    private void Hold(TopicPartition partition, TimeSpan delay)
    {
        var until = time.GetTimestamp() + time.TicksOf(delay);
        if (!_heldUntil.ContainsKey(partition))
        {
            consumer.TryPause([partition], logger);
        }

        _heldUntil[partition] = until;
    }

    /// <summary>
    /// A dead letter of the partition could not be written (Kafka unreachable): the caller
    /// rewinds it, and it is held for a backoff (Ingestion:InitialRetryDelay doubling up to
    /// MaxRetryDelay while they keep failing) so the rewinds do not loop.
    /// </summary>
    public void DeadLetterFailed(PartitionProgress partition)
    {
        _deadLetterFailures++;
        var delay = TimeSpan.FromMilliseconds(Math.Min(
            options.InitialRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(_deadLetterFailures - 1, 16)),
            options.MaxRetryDelay.TotalMilliseconds));
        Hold(partition.Partition, delay);
    }

    /// <summary>A dead letter was written: the next failure starts from the first delay again.</summary>
    public void DeadLetterWritten() => _deadLetterFailures = 0;

    /// <summary>
    /// The dead-letter detail of an event that has failed its last attempt, or null to hand it
    /// out as usual. It names the exception type only: its message may hold personal data.
    /// </summary>
    public string? DeadLetterDetail(EventPosition position) =>
        _failures.Count > 0 && _failures.TryGetValue(position, out var failure) && failure.Attempts >= options.MaxApplyAttempts
            ? $"{failure.ErrorType} thrown by the rules {failure.Attempts} times"
            : null;

    /// <summary>Resumes the partitions whose backoff is over, unless <paramref name="paused"/> (a storage outage: its recovery resumes them).</summary>
    public void ResumeDue(bool paused)
    {
        if (_heldUntil.Count == 0)
        {
            return;
        }

        var now = time.GetTimestamp();
        foreach (var (partition, until) in _heldUntil.ToList())
        {
            if (until <= now)
            {
                _heldUntil.Remove(partition);
                if (!paused)
                {
                    consumer.TryResume([partition], logger);
                }
            }
        }
    }

    /// <summary>Forgets failures behind a partition's commit, and everything of partitions no longer tracked.</summary>
    public void Prune(TrackedPartitions partitions)
    {
        if (_failures.Count == 0 && _heldUntil.Count == 0)
        {
            return;
        }

        foreach (var position in _failures.Keys.ToList())
        {
            if (!partitions.TryGetStream(position.Stream, out var progress) || progress.CommittedOffset > position.Offset)
            {
                _failures.Remove(position);
            }
        }

        foreach (var partition in _heldUntil.Keys.ToList())
        {
            if (!partitions.TryGet(partition, out _))
            {
                _heldUntil.Remove(partition);
            }
        }
    }
}

using Confluent.Kafka;
using Engine.Silo.Metrics;

namespace Engine.Silo.Ingestion;

/// <summary>
/// While checkpoints fail (customer state cannot be stored): every assigned partition is
/// paused (the consumer keeps polling, so it stays in its group), readiness reports the
/// problem, and checkpoints are retried with exponential backoff and jitter. The first
/// checkpoint that succeeds resumes the partitions.
/// </summary>
internal sealed class StorageOutage(
    IEventConsumer consumer,
    IngestionOptions options,
    EngineMetrics metrics,
    IngestionStatus status,
    ILogger logger,
    Random? jitter = null,
    Func<TopicPartition, bool>? held = null)
{
    private readonly Random _jitter = jitter ?? Random.Shared;
    private readonly List<TopicPartition> _assigned = [];
    private int _failedCheckpoints;

    public bool IsPaused { get; private set; }

    public void CheckpointSucceeded()
    {
        _failedCheckpoints = 0;
        if (IsPaused)
        {
            consumer.Resume(NotHeld(consumer.Assignment));
            IsPaused = false;
            metrics.IngestionPaused.Set(0);
            logger.LogResumed();
        }

        status.MarkStorageAvailable();
    }

    /// <summary>Pauses ingestion if it is not yet; returns how long to wait before the next checkpoint.</summary>
    public TimeSpan CheckpointFailed(int failures, string? firstError)
    {
        _failedCheckpoints++;
        var delay = RetryDelay(_failedCheckpoints);
        status.MarkStorageUnavailable($"{failures} customer flushes failed");
        logger.LogCheckpointFailed(failures, firstError ?? "", delay.TotalSeconds);
        if (!IsPaused)
        {
            // Keep polling (group membership stays alive) but read nothing until state can be stored.
            consumer.Pause(consumer.Assignment);
            IsPaused = true;
            metrics.IngestionPaused.Set(1);
        }

        return delay;
    }

    /// <summary>
    /// Partitions just assigned (called in the rebalance handler, before the consumer holds
    /// them, so they cannot be paused or resumed yet): <see cref="SettleAssigned"/> does it.
    /// </summary>
    public void Assigned(List<TopicPartition> assigned) => _assigned.AddRange(assigned);

    /// <summary>
    /// Right after the poll that assigned partitions: pauses them during an outage, else
    /// resumes them, as librdkafka keeps a partition's pause across a revocation: one paused by
    /// an outage here, revoked, and assigned back later would never be read again (a survivor
    /// of a SIGKILL stalled so in the three-silo test).
    /// </summary>
    public void SettleAssigned()
    {
        if (_assigned.Count == 0)
        {
            return;
        }

        var assigned = _assigned.Intersect(consumer.Assignment).ToList();
        _assigned.Clear();
        if (IsPaused)
        {
            consumer.TryPause(assigned, logger);
        }
        else
        {
            consumer.TryResume(NotHeld(assigned), logger);
        }
    }

    /// <summary>Partitions leave this consumer (revoked or lost): they keep no pause for a later assignment.</summary>
    public void Released(IReadOnlyCollection<TopicPartition> released)
    {
        _assigned.RemoveAll(released.Contains);
        consumer.TryResume(released, logger);
    }

    // A partition held for an apply retry's backoff resumes when that is over.
    private List<TopicPartition> NotHeld(List<TopicPartition> partitions) => held is null ? partitions : [.. partitions.Where(p => !held(p))];

    private TimeSpan RetryDelay(int attempt)
    {
        var exponential = options.InitialRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = Math.Min(exponential, options.MaxRetryDelay.TotalMilliseconds);
        // Full jitter on the upper half keeps silos from retrying in lock-step.
        return TimeSpan.FromMilliseconds(capped / 2 + _jitter.NextDouble() * capped / 2);
    }
}

using Confluent.Kafka;
using Engine.Silo.Metrics;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Acts on a checkpoint's answers: commits each partition behind its customers' durable
/// watermarks (<see cref="PartitionCheckpoint.Evaluate"/>), forgets the customers now durable,
/// rewinds a partition whose customer lost events, and reports the outcome to the
/// <see cref="StorageOutage"/> (a failed customer pauses ingestion).
/// </summary>
internal sealed class CheckpointCommit(
    IEventConsumer consumer,
    TrackedPartitions partitions,
    PartitionRewinds rewinds,
    StorageOutage outage,
    EngineMetrics metrics,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Commits what the answers proved durable; returns the delay before the next try when a customer failed.</summary>
    public TimeSpan? Settle(CheckpointAnswers answers)
    {
        var checkpoints = new List<(PartitionProgress Progress, PartitionCheckpoint Checkpoint)>();
        foreach (var snapshot in answers.Snapshot)
        {
            if (partitions.TryGet(snapshot.Partition, out var progress))
            {
                checkpoints.Add((progress, PartitionCheckpoint.Evaluate(snapshot, progress.CommittedOffset, answers.Reports)));
            }
        }

        Commit(checkpoints);
        foreach (var (progress, checkpoint) in checkpoints.Where(c => !c.Checkpoint.Lost))
        {
            progress.Remember(checkpoint, time.GetTimestamp());
        }

        foreach (var (progress, _) in checkpoints.Where(c => c.Checkpoint.Lost))
        {
            rewinds.Rewind(progress, "lost-state");
        }

        if (answers.Failures == 0)
        {
            metrics.Checkpoints.WithLabels("committed").Inc();
            outage.CheckpointSucceeded();
            return null;
        }

        metrics.Checkpoints.WithLabels("failed").Inc();
        return outage.CheckpointFailed(answers.Failures, answers.FirstError);
    }

    /// <summary>No partition holds events not known durable: a paused ingestion resumes.</summary>
    public void NothingHeld()
    {
        if (outage.IsPaused)
        {
            outage.CheckpointSucceeded();
        }
    }

    private void Commit(List<(PartitionProgress Progress, PartitionCheckpoint Checkpoint)> checkpoints)
    {
        var offsets = checkpoints
            .Where(c => c.Checkpoint.CommitOffset is not null)
            .Select(c => new TopicPartitionOffset(c.Progress.Partition, new Offset(c.Checkpoint.CommitOffset!.Value)))
            .ToList();
        if (offsets.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Commit(offsets);
            foreach (var (progress, checkpoint) in checkpoints)
            {
                if (checkpoint.CommitOffset is { } committed)
                {
                    progress.CommittedOffset = Math.Max(progress.CommittedOffset ?? 0, committed);
                    ObserveDurable(progress, committed - 1);
                }
            }
        }
        catch (KafkaException ex)
        {
            // Local_State: the partition moved to another consumer meanwhile; it replays from the last commit.
            logger.LogKafkaError(ex.Error.Code, ex.Error.Reason);
        }
    }

    private void ObserveDurable(PartitionProgress progress, long committedThrough)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // Batches complete in offset order, so the entries a commit covers are a prefix of the queue.
        while (progress.Uncommitted.TryPeek(out var entry) && entry.Offset <= committedThrough)
        {
            progress.Uncommitted.Dequeue();
            metrics.DurableLatency.Observe(Math.Max(0, (now - entry.KafkaTimestamp).TotalSeconds));
        }
    }
}

using Confluent.Kafka;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Rebalances. An assigned partition starts afresh (paused during a storage outage, else
/// resumed: a pause outlives a revocation in librdkafka). A revoked
/// one is handed over clean: the batch in the grains is settled, its customers flushed and its
/// offsets committed before the handler returns, so the next owner starts where this silo
/// stopped. A lost one is dropped without a commit (another consumer may already own it; it
/// re-delivers from the last commit).
/// </summary>
internal sealed class PartitionAssignments(
    TrackedPartitions partitions,
    BatchSettlement settlement,
    Checkpointer checkpointer,
    StorageOutage outage,
    ILogger logger)
{
    public void Assigned(List<TopicPartition> assigned)
    {
        foreach (var partition in assigned)
        {
            partitions.Track(partition);
        }

        outage.Assigned(assigned);
        logger.LogAssigned(assigned.Count);
    }

    public void Revoked(IReadOnlyCollection<TopicPartition> revoked)
    {
        logger.LogRevoked(revoked.Count);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        settlement.FinishInFlight(null);
        checkpointer.WaitForRunning();
        var leaving = new List<PartitionProgress>();
        foreach (var partition in revoked)
        {
            if (partitions.TryGet(partition, out var progress))
            {
                leaving.Add(progress);
            }
        }

        try
        {
            checkpointer.RunNow(leaving);
        }
        catch (Exception ex)
        {
            logger.LogShutdownCheckpointFailed(ex.GetType().Name);
        }

        partitions.Forget(leaving.Select(p => p.Partition));
        outage.Released(revoked);
        logger.LogHandedOver(revoked.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    public void Lost(IReadOnlyCollection<TopicPartition> lost)
    {
        logger.LogLost(lost.Count);
        settlement.FinishInFlight(null);
        partitions.Forget(lost);
        outage.Released(lost);
    }
}

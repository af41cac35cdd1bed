using Confluent.Kafka;
using Engine.Domain.Events;

namespace Engine.Silo.Ingestion;

/// <summary>
/// What this silo has done with one assigned partition since its last commit: the offsets
/// applied (in memory) and, per customer, the last offset handed to that customer. The
/// latter is both what a checkpoint must see durable before committing and what the next
/// batch tells the grain to expect.
/// </summary>
internal sealed class PartitionProgress(TopicPartition partition)
{
    public TopicPartition Partition { get; } = partition;

    /// <summary>The stream name grains use for this partition in their watermarks.</summary>
    public string Stream { get; } = EventPosition.StreamOf(partition.Topic, partition.Partition.Value);

    /// <summary>Where to seek back to for a re-delivery: the committed offset, or where consumption began.</summary>
    public long? RestartOffset { get; set; }

    /// <summary>Highest offset whose event is applied in its grain or dead-lettered; -1 before any.</summary>
    public long CompletedOffset { get; set; } = -1;

    /// <summary>The offset a checkpoint last committed (the next offset to read), or null.</summary>
    public long? CommittedOffset { get; set; }

    /// <summary>Per customer given events of this partition that may not all be durable yet.</summary>
    public Dictionary<string, CustomerPending> Pending { get; } = new(StringComparer.Ordinal);

    /// <summary>Kafka timestamps of applied events not yet committed, in offset order (for the durable-latency metric).</summary>
    public Queue<(long Offset, DateTime KafkaTimestamp)> Uncommitted { get; } = new();

    /// <summary>Forgets in-memory progress after a seek back to <paramref name="offset"/>.</summary>
    public void ResetTo(long offset)
    {
        Pending.Clear();
        Uncommitted.Clear();
        CompletedOffset = offset - 1;
    }
}

/// <summary>
/// One customer's events of a partition not yet known durable: the last offset given to it
/// (what a checkpoint must see durable, and what its next batch tells it to expect), the lowest
/// that may not be durable, and when (timestamp) those pending events began.
/// </summary>
internal readonly record struct CustomerPending(long LastDispatched, long PendingFrom, long PendingSince);

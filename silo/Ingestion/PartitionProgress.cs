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

    public Dictionary<string, long> LastDispatched { get; } = new(StringComparer.Ordinal);

    /// <summary>Per customer in <see cref="LastDispatched"/>, the lowest offset given to it that may not be durable yet.</summary>
    public Dictionary<string, long> PendingFrom { get; } = new(StringComparer.Ordinal);

    /// <summary>Per customer in <see cref="LastDispatched"/>, when (timestamp) its pending events began.</summary>
    public Dictionary<string, long> PendingSince { get; } = new(StringComparer.Ordinal);

    /// <summary>Kafka timestamps of applied events not yet committed, in offset order (for the durable-latency metric).</summary>
    public Queue<(long Offset, DateTime KafkaTimestamp)> Uncommitted { get; } = new();

    /// <summary>Forgets in-memory progress after a seek back to <paramref name="offset"/>.</summary>
    public void ResetTo(long offset)
    {
        LastDispatched.Clear();
        PendingFrom.Clear();
        PendingSince.Clear();
        Uncommitted.Clear();
        CompletedOffset = offset - 1;
    }
}

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

    /// <summary>The partition as a checkpoint sees it, or null when nothing completed since the last commit.</summary>
    public PartitionSnapshot? Snapshot() =>
        CompletedOffset >= 0 && (CommittedOffset is null || CompletedOffset + 1 > CommittedOffset)
            ? new PartitionSnapshot(
                Partition,
                Stream,
                CompletedOffset,
                Pending.ToDictionary(e => e.Key, e => e.Value.LastDispatched, StringComparer.Ordinal),
                Pending.ToDictionary(e => e.Key, e => e.Value.PendingFrom, StringComparer.Ordinal))
            : null;

    /// <summary>
    /// After a checkpoint: forgets customers now durable through what they were given; the
    /// others stay pending from where they are not (<paramref name="now"/>: a timestamp).
    /// </summary>
    public void Remember(PartitionCheckpoint checkpoint, long now)
    {
        foreach (var (customerId, given) in checkpoint.Durable)
        {
            if (!Pending.TryGetValue(customerId, out var current))
            {
                continue;
            }

            if (current.LastDispatched == given)
            {
                Pending.Remove(customerId);
            }
            else
            {
                // Given more since the snapshot: still pending, from after what is now durable.
                // Its newer events began after the write (when exactly is not known here: now is later, which is safe).
                Pending[customerId] = current with { PendingFrom = given + 1, PendingSince = now };
            }
        }

        foreach (var (customerId, from) in checkpoint.StillPending)
        {
            if (Pending.TryGetValue(customerId, out var known) && from > known.PendingFrom)
            {
                // Partly written (by an earlier write): what remains began after it.
                Pending[customerId] = known with { PendingFrom = from, PendingSince = now };
            }
        }
    }
}

/// <summary>
/// One customer's events of a partition not yet known durable: the last offset given to it
/// (what a checkpoint must see durable, and what its next batch tells it to expect), the lowest
/// that may not be durable, and when (timestamp) those pending events began.
/// </summary>
internal readonly record struct CustomerPending(long LastDispatched, long PendingFrom, long PendingSince);

using Confluent.Kafka;
using Engine.Contracts;

namespace Engine.Silo.Ingestion;

/// <summary>
/// A partition as a checkpoint found it: the highest completed offset and, per customer
/// given events since the last commit, the last offset given and the lowest that may not be
/// durable yet.
/// </summary>
internal sealed record PartitionSnapshot(
    TopicPartition Partition,
    string Stream,
    long CompletedOffset,
    Dictionary<string, long> LastDispatched,
    Dictionary<string, long> PendingFrom);

/// <summary>What a checkpoint may do with one partition once its customers have reported.</summary>
/// <param name="Snapshot">The partition as the checkpoint started.</param>
/// <param name="CommitOffset">The offset to commit (everything below it is durable), or null for nothing new.</param>
/// <param name="Lost">A customer lost events it was given: re-deliver from the last commit.</param>
/// <param name="Durable">Customers durable through what they were given (and the offset given).</param>
/// <param name="StillPending">Customers not yet durable, with the lowest offset that may not be.</param>
internal sealed record PartitionCheckpoint(
    PartitionSnapshot Snapshot,
    long? CommitOffset,
    bool Lost,
    Dictionary<string, long> Durable,
    Dictionary<string, long> StillPending)
{
    /// <summary>
    /// Commits behind the durable watermark: up to the completed offset, but no further than
    /// the first event a customer holds only in memory. A customer that did not answer
    /// (its write failed) holds the partition where it was.
    /// </summary>
    public static PartitionCheckpoint Evaluate(PartitionSnapshot snapshot, long? committedOffset, IReadOnlyDictionary<string, FlushReport> reports)
    {
        var commit = snapshot.CompletedOffset + 1;
        var durable = new Dictionary<string, long>(StringComparer.Ordinal);
        var pending = new Dictionary<string, long>(StringComparer.Ordinal);
        var lost = false;
        foreach (var (customerId, given) in snapshot.LastDispatched)
        {
            var from = snapshot.PendingFrom.GetValueOrDefault(customerId, 0);
            if (!reports.TryGetValue(customerId, out var report))
            {
                commit = Math.Min(commit, from);
                continue;
            }

            var applied = report.AppliedWatermarks.GetValueOrDefault(snapshot.Stream, -1);
            var written = report.DurableWatermarks.GetValueOrDefault(snapshot.Stream, -1);
            if (applied < given)
            {
                lost = true;
            }
            else if (written >= given)
            {
                durable[customerId] = given;
            }
            else
            {
                // Everything of this customer up to its durable watermark is safe.
                var stillFrom = Math.Max(from, written + 1);
                pending[customerId] = stillFrom;
                commit = Math.Min(commit, stillFrom);
            }
        }

        var advances = committedOffset is not { } done || commit > done;
        return new PartitionCheckpoint(snapshot, !lost && advances ? commit : null, lost, durable, pending);
    }
}

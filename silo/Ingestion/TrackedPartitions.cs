using Confluent.Kafka;

namespace Engine.Silo.Ingestion;

/// <summary>
/// The partitions this silo reads, each with its <see cref="PartitionProgress"/>, found by
/// Kafka partition or by the stream name grains use. Touched only on the consume thread
/// (rebalance handlers run inside Consume).
/// </summary>
internal sealed class TrackedPartitions
{
    private readonly Dictionary<TopicPartition, PartitionProgress> _byPartition = [];
    private readonly Dictionary<string, PartitionProgress> _byStream = new(StringComparer.Ordinal);

    /// <summary>A copy: callers may forget partitions while going through it.</summary>
    public List<PartitionProgress> All => [.. _byPartition.Values];

    public IEnumerable<PartitionProgress> Values => _byPartition.Values;

    /// <summary>Starts a partition afresh (an assignment), replacing what was known of it.</summary>
    public PartitionProgress Track(TopicPartition partition)
    {
        var progress = new PartitionProgress(partition);
        _byPartition[partition] = progress;
        _byStream[progress.Stream] = progress;
        return progress;
    }

    public PartitionProgress GetOrTrack(TopicPartition partition) =>
        _byPartition.TryGetValue(partition, out var progress) ? progress : Track(partition);

    public bool TryGet(TopicPartition partition, out PartitionProgress progress) =>
        _byPartition.TryGetValue(partition, out progress!);

    public bool TryGetStream(string stream, out PartitionProgress progress) =>
        _byStream.TryGetValue(stream, out progress!);

    public void Forget(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions.ToList())
        {
            if (_byPartition.Remove(partition, out var progress))
            {
                _byStream.Remove(progress.Stream);
            }
        }
    }
}

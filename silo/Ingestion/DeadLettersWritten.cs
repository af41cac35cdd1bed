using Confluent.Kafka;
using Engine.Domain.Events;

namespace Engine.Silo.Ingestion;

/// <summary>
/// The dead letters the reader wrote for messages not yet committed past. A partition sought
/// back (a rewind) is read again from its last commit; its refused messages then reuse the
/// dead letter already written (or being written) instead of writing a second one. A failed
/// write is tried again. Touched on the consume thread only.
/// </summary>
internal sealed class DeadLettersWritten(IDeadLetterOutput deadLetters, ILogger logger)
{
    private readonly Dictionary<EventPosition, Task> _writes = [];

    /// <summary>The dead letter of this message: the one written before, or written now.</summary>
    public Task Once(PartitionProgress partition, ConsumeResult<byte[]?, byte[]?> message, string reason, string detail)
    {
        var position = new EventPosition(partition.Stream, message.Offset.Value);
        if (_writes.TryGetValue(position, out var written) && !written.IsFaulted && !written.IsCanceled)
        {
            return written;
        }

        logger.LogRejected(reason, message.Topic, message.Partition.Value, message.Offset.Value, detail);
        var write = deadLetters.PublishAsync(message, reason, detail);
        _writes[position] = write;
        return write;
    }

    /// <summary>Forgets what is behind its partition's commit, and partitions no longer read.</summary>
    public void Prune(TrackedPartitions partitions)
    {
        if (_writes.Count == 0)
        {
            return;
        }

        foreach (var position in _writes.Keys.ToList())
        {
            if (!partitions.TryGetStream(position.Stream, out var progress) || progress.CommittedOffset > position.Offset)
            {
                _writes.Remove(position);
            }
        }
    }
}

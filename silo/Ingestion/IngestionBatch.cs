using Confluent.Kafka;
using Engine.Domain.Events;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Events read from Kafka in one go, grouped by customer in offset order, with what is
/// needed afterwards: the highest offset per partition, the raw messages (for dead letters
/// of events the rules refuse) and the dead letters already being written.
/// </summary>
internal sealed class IngestionBatch
{
    public Dictionary<string, CustomerEvents> ByCustomer { get; } = new(StringComparer.Ordinal);

    public Dictionary<TopicPartition, long> MaxOffsets { get; } = [];

    /// <summary>Raw messages by position, kept only for events the grain may still refuse.</summary>
    public Dictionary<EventPosition, ConsumeResult<byte[]?, byte[]?>> Messages { get; } = [];

    public List<(TopicPartition Partition, Task Write)> DeadLetters { get; } = [];

    public int Count { get; private set; }

    public bool IsEmpty => Count == 0;

    public void Add(PartitionProgress partition, ConsumeResult<byte[]?, byte[]?> message, CustomerEvent e)
    {
        var position = new EventPosition(partition.Stream, message.Offset.Value);
        if (!ByCustomer.TryGetValue(e.CustomerId, out var events))
        {
            events = new CustomerEvents();
            ByCustomer[e.CustomerId] = events;
        }

        events.Events.Add(new SequencedEvent(e, position));
        events.KafkaTimestamps.Add(message.Message.Timestamp.UtcDateTime);
        Messages[position] = message;
        Track(partition, message.Offset.Value);
    }

    public void AddDeadLetter(PartitionProgress partition, long offset, Task write)
    {
        DeadLetters.Add((partition.Partition, write));
        Track(partition, offset);
    }

    /// <summary>Drops everything read from partitions that were sought back (they will be read again).</summary>
    public void Drop(IReadOnlySet<string> streams, IReadOnlySet<TopicPartition> partitions)
    {
        foreach (var (customer, events) in ByCustomer.ToList())
        {
            for (var i = events.Events.Count - 1; i >= 0; i--)
            {
                if (streams.Contains(events.Events[i].Position.Stream))
                {
                    Messages.Remove(events.Events[i].Position);
                    events.Events.RemoveAt(i);
                    events.KafkaTimestamps.RemoveAt(i);
                    Count--;
                }
            }

            if (events.Events.Count == 0)
            {
                ByCustomer.Remove(customer);
            }
        }

        foreach (var partition in partitions)
        {
            MaxOffsets.Remove(partition);
        }
    }

    private void Track(PartitionProgress partition, long offset)
    {
        Count++;
        MaxOffsets[partition.Partition] = MaxOffsets.TryGetValue(partition.Partition, out var max) ? Math.Max(max, offset) : offset;
    }
}

/// <summary>One customer's events in a batch, in offset order per stream.</summary>
internal sealed class CustomerEvents
{
    public List<SequencedEvent> Events { get; } = [];

    public List<DateTime> KafkaTimestamps { get; } = [];
}

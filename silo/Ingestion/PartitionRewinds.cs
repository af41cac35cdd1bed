using Confluent.Kafka;
using Engine.Silo.Metrics;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Seeks a partition back to its last commit (or where this silo began reading it) and
/// forgets what it had done since; grains skip what they already hold, so the re-delivery
/// is exact.
/// </summary>
internal sealed class PartitionRewinds(IEventConsumer consumer, EngineMetrics metrics, ILogger logger)
{
    public void Rewind(PartitionProgress partition, string reason)
    {
        var offset = partition.CommittedOffset ?? partition.RestartOffset;
        metrics.Rewinds.WithLabels(reason).Inc();
        logger.LogRewind(partition.Partition.Topic, partition.Partition.Partition.Value, offset ?? -1, reason);
        if (offset is { } o)
        {
            try
            {
                consumer.Seek(new TopicPartitionOffset(partition.Partition, new Offset(o)));
            }
            catch (KafkaException ex)
            {
                logger.LogKafkaError(ex.Error.Code, ex.Error.Reason);
            }

            partition.ResetTo(o);
        }
        else
        {
            partition.Pending.Clear();
        }
    }
}

using Confluent.Kafka;

namespace Engine.Silo.Ingestion;

/// <summary>
/// The Kafka consumer as the ingestion uses it. <see cref="KafkaEventConsumer"/> is Confluent's;
/// tests use a fake, so every ingestion part runs without a broker.
/// </summary>
internal interface IEventConsumer
{
    /// <summary>The next message, or null when none came within <paramref name="timeout"/>. Rebalance handlers run inside.</summary>
    ConsumeResult<byte[]?, byte[]?>? Consume(TimeSpan timeout);

    void Seek(TopicPartitionOffset position);

    void Commit(IEnumerable<TopicPartitionOffset> offsets);

    void Pause(IEnumerable<TopicPartition> partitions);

    void Resume(IEnumerable<TopicPartition> partitions);

    List<TopicPartition> Assignment { get; }

    WatermarkOffsets GetWatermarkOffsets(TopicPartition partition);

    /// <summary>Asks the cluster for metadata: true when a broker answered within <paramref name="timeout"/>.</summary>
    bool ClusterAnswers(TimeSpan timeout);
}

/// <summary>Confluent's consumer behind <see cref="IEventConsumer"/>.</summary>
internal sealed class KafkaEventConsumer(IConsumer<byte[]?, byte[]?> consumer) : IEventConsumer
{
    public ConsumeResult<byte[]?, byte[]?>? Consume(TimeSpan timeout) => consumer.Consume(timeout);

    public void Seek(TopicPartitionOffset position) => consumer.Seek(position);

    public void Commit(IEnumerable<TopicPartitionOffset> offsets) => consumer.Commit(offsets);

    public void Pause(IEnumerable<TopicPartition> partitions) => consumer.Pause(partitions);

    public void Resume(IEnumerable<TopicPartition> partitions) => consumer.Resume(partitions);

    public List<TopicPartition> Assignment => consumer.Assignment;

    public WatermarkOffsets GetWatermarkOffsets(TopicPartition partition) => consumer.GetWatermarkOffsets(partition);

    public bool ClusterAnswers(TimeSpan timeout)
    {
        try
        {
            using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
            var topic = consumer.Subscription.FirstOrDefault();
            var metadata = topic is null ? admin.GetMetadata(timeout) : admin.GetMetadata(topic, timeout);
            return metadata.Brokers.Count > 0;
        }
        catch (KafkaException)
        {
            return false;
        }
    }
}

using Confluent.Kafka;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Pausing and resuming partitions that may have left the assignment meanwhile (a rebalance
/// between deciding and asking): librdkafka refuses those, which is logged, not thrown, as
/// nothing of them is left to pause or resume.
/// </summary>
internal static class PartitionPausing
{
    public static void TryPause(this IEventConsumer consumer, IEnumerable<TopicPartition> partitions, ILogger logger) =>
        Try(() => consumer.Pause(partitions), logger);

    public static void TryResume(this IEventConsumer consumer, IEnumerable<TopicPartition> partitions, ILogger logger) =>
        Try(() => consumer.Resume(partitions), logger);

    private static void Try(Action call, ILogger logger)
    {
        try
        {
            call();
        }
        catch (KafkaException ex)
        {
            logger.LogKafkaError(ex.Error.Code, ex.Error.Reason);
        }
    }
}

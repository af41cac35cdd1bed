using Confluent.Kafka;

namespace Engine.Testing.Kafka;

public static class ProducerBackpressure
{
    /// <summary>
    /// Produces <paramref name="message"/>; while the producer's queue is full (librdkafka
    /// refuses rather than blocks, at 100,000 messages by default) it serves delivery reports
    /// for <paramref name="poll"/> to make room, then tries again.
    /// </summary>
    public static void ProduceWaitingForRoom<TKey>(
        this IProducer<TKey, byte[]> producer,
        string topic,
        Message<TKey, byte[]> message,
        TimeSpan poll,
        Action<DeliveryReport<TKey, byte[]>>? onDelivered = null)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, message, onDelivered);
                return;
            }
            catch (ProduceException<TKey, byte[]> ex) when (ex.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
            {
                producer.Poll(poll);
            }
        }
    }
}

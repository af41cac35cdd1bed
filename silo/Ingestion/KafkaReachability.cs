using Confluent.Kafka;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Whether the Kafka cluster can be reached, for readiness. librdkafka reports when every
/// broker is down but not when one is back, so while it is down the loop asks the cluster for
/// metadata once a second (the loop has nothing else to do then); a consumed message or an
/// answer marks it reachable again. Consumption itself pauses on its own (nothing arrives),
/// and resumes where it was when the brokers return.
/// </summary>
internal sealed class KafkaReachability(IEventConsumer consumer, IngestionStatus status, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);
    private long _nextProbe;

    /// <summary>An error from a Kafka client's error callback.</summary>
    public void Error(Error error)
    {
        if (error.Code == Confluent.Kafka.ErrorCode.Local_AllBrokersDown || error.IsFatal)
        {
            status.MarkKafkaUnavailable(error.Reason);
        }
    }

    /// <summary>Messages arrived: the cluster answers.</summary>
    public void Consumed() => status.MarkKafkaAvailable();

    /// <summary>While marked unreachable, asks the cluster (at most once a second).</summary>
    public void MaybeProbe()
    {
        if (status.KafkaAvailable || time.GetTimestamp() < _nextProbe)
        {
            return;
        }

        _nextProbe = time.GetTimestamp() + time.TicksOf(ProbeEvery);
        if (consumer.ClusterAnswers(ProbeTimeout))
        {
            status.MarkKafkaAvailable();
            logger.LogKafkaBack();
        }
    }
}

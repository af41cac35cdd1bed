using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Silo.Kafka;
using Engine.Silo.Metrics;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Writes refused events to the dead-letter topic: the original key and bytes, with the
/// reason and source position in headers, so an operator can inspect, fix and replay them.
/// </summary>
public sealed class DeadLetterPublisher : IDeadLetterOutput, IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly string _topic;
    private readonly EngineMetrics _metrics;
    private readonly TimeProvider _time;

    public DeadLetterPublisher(KafkaEndpoint endpoint, EngineMetrics metrics, TimeProvider time)
    {
        // Bounded by Kafka:EffectTimeout: the ingestion waits for a dead letter on its own thread.
        _producer = new ProducerBuilder<byte[]?, byte[]?>(endpoint.EffectProducerConfig()).Build();
        _topic = endpoint.Topics.DeadLetter;
        _metrics = metrics;
        _time = time;
    }

    /// <summary>Completes when the broker has the dead letter (the source offset may then be committed), or fails within Kafka:EffectTimeout.</summary>
    public async Task PublishAsync(ConsumeResult<byte[]?, byte[]?> source, string reason, string detail)
    {
        _metrics.EventsRejected.WithLabels(reason).Inc();
        var headers = new Headers
        {
            { DeadLetterHeaders.Reason, Encoding.UTF8.GetBytes(reason) },
            { DeadLetterHeaders.Detail, Encoding.UTF8.GetBytes(detail) },
            { DeadLetterHeaders.SourceTopic, Encoding.UTF8.GetBytes(source.Topic) },
            { DeadLetterHeaders.SourcePartition, Encoding.UTF8.GetBytes(source.Partition.Value.ToString(CultureInfo.InvariantCulture)) },
            { DeadLetterHeaders.SourceOffset, Encoding.UTF8.GetBytes(source.Offset.Value.ToString(CultureInfo.InvariantCulture)) },
            { DeadLetterHeaders.RejectedAt, Encoding.UTF8.GetBytes(_time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)) },
        };
        // The producer's own headers travel with it (engine-mode: backfill, say), so a replay
        // sends the event back as it came; a replayed event refused again keeps where it was replayed from.
        foreach (var header in source.Message.Headers ?? [])
        {
            if (!DeadLetterHeaders.IsSetOnRefusal(header.Key))
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }
        try
        {
            await _producer.ProduceAsync(_topic, new Message<byte[]?, byte[]?> { Key = source.Message.Key, Value = source.Message.Value, Headers = headers });
        }
        catch
        {
            _metrics.DeadLetterFailures.Inc();
            throw;
        }
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}

using Confluent.Kafka;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace Engine.Client.Kafka;

/// <summary>
/// Sends lines to Kafka without waiting for each one, counting confirmations as they come
/// back. Idempotent with acks from all replicas, so a retry inside the client cannot
/// duplicate or reorder a customer's events.
/// </summary>
public sealed class EventPublisher : IDisposable
{
    /// <summary>Past this many failed lines the rest are only counted, to keep stderr readable.</summary>
    private const int ReportedFailureLimit = 10;

    private static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(100);

    private readonly IProducer<byte[]?, byte[]> _producer;
    private readonly ProduceTally _tally;
    private readonly TextWriter _errors;
    private readonly TimeSpan _deliveryTimeout;
    private readonly HashSet<ErrorCode> _reportedErrors = [];
    private int _reportedFailures;

    public EventPublisher(string bootstrapServers, TimeSpan deliveryTimeout, ProduceTally tally, TextWriter errors)
    {
        _tally = tally;
        _errors = errors;
        _deliveryTimeout = deliveryTimeout;

        Engine.Silo.Kafka.NativeKafka.EnsureLoaded();
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            // Bounds how long an unreachable broker keeps the command waiting.
            MessageTimeoutMs = (int)deliveryTimeout.TotalMilliseconds,
            ClientId = "engine-admin",
        };
        _producer = new ProducerBuilder<byte[]?, byte[]>(KafkaClientSettings.Apply(config))
            .SetErrorHandler((_, error) => ReportClientError(error))
            // librdkafka repeats each connection error as a log line; the error handler already
            // reported it once.
            .SetLogHandler((_, log) =>
            {
                if (log.Level <= SyslogLevel.Critical)
                {
                    _errors.WriteLine($"kafka: {log.Message}");
                }
            })
            .Build();
    }

    /// <summary>Queues one line for <paramref name="topic"/>; the outcome is counted under <paramref name="destination"/>.</summary>
    public void Publish(JsonLine line, string topic, byte[]? key, int destination, Headers? headers = null)
    {
        var message = new Message<byte[]?, byte[]> { Key = key, Value = line.Bytes, Headers = headers };
        while (true)
        {
            try
            {
                _producer.Produce(topic, message, report =>
                {
                    if (report.Error.IsError)
                    {
                        Fail(line, report.Error.Reason);
                    }
                    else
                    {
                        _tally.RecordDelivered(destination);
                    }
                });
                return;
            }
            catch (ProduceException<byte[]?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The local queue is full: let deliveries drain, then try again.
                _producer.Poll(QueueFullBackoff);
            }
            catch (ProduceException<byte[]?, byte[]> e)
            {
                Fail(line, e.Error.Reason);
                return;
            }
        }
    }

    /// <summary>Waits for every queued line to be confirmed or to time out.</summary>
    public void Complete()
    {
        // Each message gives up after the delivery timeout, so this only guards against a stuck client.
        var stillQueued = _producer.Flush(_deliveryTimeout + TimeSpan.FromSeconds(5));
        if (stillQueued > 0)
        {
            _tally.RecordFailed(stillQueued);
            _errors.WriteLine($"{stillQueued} lines were still waiting for Kafka when the delivery timeout ran out");
        }
    }

    public void Dispose() => _producer.Dispose();

    private void Fail(JsonLine line, string reason)
    {
        _tally.RecordFailed();
        if (Interlocked.Increment(ref _reportedFailures) <= ReportedFailureLimit)
        {
            _errors.WriteLine($"line {line.Number}: not delivered: {reason}");
        }
    }

    private void ReportClientError(Error error)
    {
        lock (_reportedErrors)
        {
            if (!_reportedErrors.Add(error.Code))
            {
                return;
            }
        }

        _errors.WriteLine($"kafka: {error.Reason}{(error.IsFatal ? " (fatal)" : "")}");
    }
}

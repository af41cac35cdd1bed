using System.Text;
using Confluent.Kafka;
using Engine.Domain.Processing;
using Engine.Grains.Effects;
using Engine.Silo.Kafka;

namespace Engine.Silo.Effects;

/// <summary>
/// Publishes a customer's effect records (tier changes, segment changes) to one topic, keyed by
/// customer. The partition is chosen here from a stable hash of the customer id, so the grain
/// can record where to look for its record before publishing it (see <see cref="ITierChangeOutput"/>). Every call is
/// bounded by <see cref="KafkaOptions.EffectTimeout"/>, shorter than the grain call it runs
/// in, and librdkafka's blocking look-ups run on pool threads, never on a grain's scheduler
/// thread. Its clients use the configured Kafka settings (security included).
/// </summary>
public abstract class KafkaEffectOutput : IDisposable
{
    private const string EffectIdHeader = "effect-id";
    private readonly KafkaEndpoint _endpoint;
    private readonly IProducer<string, byte[]> _producer;
    private readonly Lazy<IConsumer<Ignore, Ignore>> _watermarks;
    private readonly Lock _watermarksGate = new();
    // Per partition, an offset at or below the partition's end: where our own last record went.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, long> _knownEnds = new();
    private readonly string _topic;
    private readonly TimeSpan _timeout;
    // Known once a look-up succeeded; a failed one is tried again at the next call (never cached).
    private volatile int _partitions;

    private readonly string _lookupName;

    protected KafkaEffectOutput(KafkaEndpoint endpoint, string topic, string lookupName)
    {
        _endpoint = endpoint;
        _topic = topic;
        _lookupName = lookupName;
        _timeout = endpoint.EffectTimeout;
        _producer = new ProducerBuilder<string, byte[]>(endpoint.EffectProducerConfig()).Build();
        _watermarks = new Lazy<IConsumer<Ignore, Ignore>>(NewConsumer);
    }

    public async Task<long> MarkAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var partition = await PartitionOfAsync(customerId);
        // Any lower bound of the end will do (a later lookup just reads a little more), so the
        // broker is asked only until this silo has published to the partition itself.
        if (_knownEnds.TryGetValue(partition.Partition.Value, out var known))
        {
            return known;
        }

        return await OffGrainThread(() =>
        {
            lock (_watermarksGate)
            {
                return LookUp(() => _watermarks.Value.QueryWatermarkOffsets(partition, _timeout).High.Value);
            }
        });
    }

    // For one timeout after a look-up found the broker unreachable, look-ups fail at once: each
    // waited the whole timeout in turn (marks share one client), so during a broker outage a
    // batch's writes queued for minutes and held the ingestion with them, and concurrent ones
    // held the thread pool. A change whose mark fails stays Pending and is marked at a later
    // write; one whose look-up fails stays open and is retried by its customer's wake-up.
    private long _unreachableUntil;
    private readonly Lock _metadataGate = new();

    private T LookUp<T>(Func<T> lookup)
    {
        if (System.Diagnostics.Stopwatch.GetTimestamp() < Volatile.Read(ref _unreachableUntil))
        {
            throw new TimeoutException($"{_topic} did not answer a look-up within the last {_timeout.TotalSeconds:F0} s");
        }

        try
        {
            return lookup();
        }
        catch (KafkaException)
        {
            Volatile.Write(ref _unreachableUntil, System.Diagnostics.Stopwatch.GetTimestamp() + (long)(_timeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency));
            throw;
        }
    }

    /// <summary>Publishes one record (JSON) keyed by its customer, with its effect id in a header.</summary>
    protected async Task PublishAsync(string customerId, string effectId, byte[] value, CancellationToken cancellationToken)
    {
        var message = new Message<string, byte[]>
        {
            Key = customerId,
            Value = value,
            Headers = [new Header(EffectIdHeader, Encoding.UTF8.GetBytes(effectId))],
        };

        // message.timeout.ms is the effect timeout: the delivery report comes within it, delivered or failed.
        var delivered = await _producer.ProduceAsync(await PartitionOfAsync(customerId), message, cancellationToken);
        _knownEnds.AddOrUpdate(delivered.Partition.Value, delivered.Offset.Value, (_, known) => Math.Max(known, delivered.Offset.Value));
    }

    public async Task<bool> ContainsAsync(string customerId, string effectId, long fromPosition, CancellationToken cancellationToken = default)
    {
        var partition = await PartitionOfAsync(customerId);
        return await OffGrainThread(() => Search(partition, effectId, fromPosition, cancellationToken));
    }

    private bool Search(TopicPartition partition, string effectId, long fromPosition, CancellationToken cancellationToken)
    {
        using var consumer = NewConsumer();
        var end = LookUp(() => consumer.QueryWatermarkOffsets(partition, _timeout).High.Value);
        if (end <= fromPosition)
        {
            return false;
        }

        consumer.Assign(new TopicPartitionOffset(partition, new Offset(fromPosition)));
        var wanted = Encoding.UTF8.GetBytes(effectId);
        var deadline = DateTime.UtcNow + _timeout;
        while (!cancellationToken.IsCancellationRequested)
        {
            var left = deadline - DateTime.UtcNow;
            var result = left > TimeSpan.Zero ? consumer.Consume(left) : null;
            if (result is null)
            {
                throw new TimeoutException($"could not read {partition} up to offset {end} within {_timeout.TotalSeconds:F0} s");
            }

            if (result.Message.Headers.TryGetLastBytes(EffectIdHeader, out var id) && id.AsSpan().SequenceEqual(wanted))
            {
                return true;
            }

            if (result.Offset.Value >= end - 1)
            {
                return false;
            }
        }

        throw new OperationCanceledException(cancellationToken);
    }

    private bool _disposed;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        // Registered under two service types, so the container disposes it twice.
        if (_disposed || !disposing)
        {
            return;
        }

        _disposed = true;
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
        if (_watermarks.IsValueCreated)
        {
            _watermarks.Value.Close();
            _watermarks.Value.Dispose();
        }
    }

    private async Task<TopicPartition> PartitionOfAsync(string customerId)
    {
        var count = _partitions;
        if (count == 0)
        {
            count = await OffGrainThread(() =>
            {
                // One request at a time: many customers' first effects at once each sent their own.
                lock (_metadataGate)
                {
                    if (_partitions > 0)
                    {
                        return _partitions;
                    }

                    var metadata = LookUp(() =>
                    {
                        using var admin = new DependentAdminClientBuilder(_producer.Handle).Build();
                        return admin.GetMetadata(_topic, _timeout);
                    });
                    var found = metadata.Topics.Single().Partitions.Count;
                    return found > 0 ? found : throw new InvalidOperationException($"topic {_topic} has no partitions");
                }
            });
            _partitions = count;
        }

        return new(_topic, new Partition((int)(EventIdHash.Of(customerId) % (ulong)count)));
    }

    // librdkafka's look-ups block their thread: run them on the pool, so a grain awaits instead
    // of holding one of Orleans' scheduler threads for up to the timeout.
    private static Task<T> OffGrainThread<T>(Func<T> lookup) => Task.Run(lookup);

    private IConsumer<Ignore, Ignore> NewConsumer()
    {
        var config = _endpoint.LookupConsumerConfig(_lookupName);
        config.EnablePartitionEof = false;
        return new ConsumerBuilder<Ignore, Ignore>(config).Build();
    }
}

using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Engine.Domain.Processing;
using Engine.Grains.Effects;
using Engine.Silo.Kafka;

namespace Engine.Silo.Effects;

/// <summary>
/// Publishes tier changes to the tier-changes topic, keyed by customer. The partition is
/// chosen here from a stable hash of the customer id, so the grain can record where to look
/// for its record before publishing it (see <see cref="ITierChangeOutput"/>).
/// </summary>
public sealed class KafkaTierChangeOutput : ITierChangeOutput, IDisposable
{
    private const string EffectIdHeader = "effect-id";
    private readonly KafkaEndpoint _endpoint;
    private readonly IProducer<string, byte[]> _producer;
    private readonly Lazy<int> _partitions;
    private readonly Lazy<IConsumer<Ignore, Ignore>> _watermarks;
    private readonly Lock _watermarksGate = new();
    // Per partition, an offset at or below the partition's end: where our own last record went.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, long> _knownEnds = new();
    private readonly string _topic;

    public KafkaTierChangeOutput(KafkaEndpoint endpoint)
    {
        _endpoint = endpoint;
        _topic = endpoint.Topics.TierChanges;
        _producer = new ProducerBuilder<string, byte[]>(endpoint.ProducerConfig()).Build();
        _partitions = new Lazy<int>(() =>
        {
            using var admin = new DependentAdminClientBuilder(_producer.Handle).Build();
            var metadata = admin.GetMetadata(_topic, TimeSpan.FromSeconds(10));
            var count = metadata.Topics.Single().Partitions.Count;
            return count > 0 ? count : throw new InvalidOperationException($"topic {_topic} has no partitions");
        });
        _watermarks = new Lazy<IConsumer<Ignore, Ignore>>(NewConsumer);
    }

    public Task<long> MarkAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var partition = PartitionOf(customerId);
        // Any lower bound of the end will do (a later lookup just reads a little more), so the
        // broker is asked only until this silo has published to the partition itself.
        if (_knownEnds.TryGetValue(partition.Partition.Value, out var known))
        {
            return Task.FromResult(known);
        }

        lock (_watermarksGate)
        {
            return Task.FromResult(_watermarks.Value.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value);
        }
    }

    public async Task PublishAsync(TierChangeRecord record, CancellationToken cancellationToken = default)
    {
        var value = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "tier_change",
            effectId = record.EffectId,
            customerId = record.CustomerId,
            from = record.From,
            to = record.To,
            reason = record.Reason,
            at = record.At,
        });
        var message = new Message<string, byte[]>
        {
            Key = record.CustomerId,
            Value = value,
            Headers = [new Header(EffectIdHeader, Encoding.UTF8.GetBytes(record.EffectId))],
        };
        var delivered = await _producer.ProduceAsync(PartitionOf(record.CustomerId), message, cancellationToken);
        _knownEnds.AddOrUpdate(delivered.Partition.Value, delivered.Offset.Value, (_, known) => Math.Max(known, delivered.Offset.Value));
    }

    public Task<bool> ContainsAsync(string customerId, string effectId, long fromPosition, CancellationToken cancellationToken = default)
    {
        using var consumer = NewConsumer();
        var partition = PartitionOf(customerId);
        var end = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value;
        if (end <= fromPosition)
        {
            return Task.FromResult(false);
        }

        consumer.Assign(new TopicPartitionOffset(partition, new Offset(fromPosition)));
        var wanted = Encoding.UTF8.GetBytes(effectId);
        while (!cancellationToken.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(5));
            if (result is null)
            {
                throw new TimeoutException($"could not read {partition} up to offset {end}");
            }

            if (result.Message.Headers.TryGetLastBytes(EffectIdHeader, out var id) && id.AsSpan().SequenceEqual(wanted))
            {
                return Task.FromResult(true);
            }

            if (result.Offset.Value >= end - 1)
            {
                return Task.FromResult(false);
            }
        }

        throw new OperationCanceledException(cancellationToken);
    }

    private bool _disposed;

    public void Dispose()
    {
        // Registered under two service types, so the container disposes it twice.
        if (_disposed)
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

    private TopicPartition PartitionOf(string customerId) =>
        new(_topic, new Partition((int)(EventIdHash.Of(customerId) % (ulong)_partitions.Value)));

    private IConsumer<Ignore, Ignore> NewConsumer() =>
        new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = _endpoint.BootstrapServers,
            GroupId = "tier-change-check",
            EnableAutoCommit = false,
            EnablePartitionEof = false,
        }).Build();
}

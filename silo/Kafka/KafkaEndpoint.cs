using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Kafka;

/// <summary>
/// The Kafka cluster this silo talks to: the configured one, or an embedded broker started
/// here with the engine's topics created. Builds client configurations for both.
/// </summary>
public sealed partial class KafkaEndpoint : IDisposable
{
    private readonly KafkaOptions _options;
    private readonly EmbeddedKafkaBroker? _embedded;

    public KafkaEndpoint(IOptions<KafkaOptions> options, ILogger<KafkaEndpoint> logger)
    {
        _options = options.Value;
        NativeKafka.EnsureLoaded();
        if (_options.UsesEmbeddedBroker)
        {
            _embedded = EmbeddedKafkaBroker.Start(_options.Embedded.Brokers);
            foreach (var topic in _options.Topics.Inbound.Concat(_options.Topics.Outbound))
            {
                _embedded.CreateTopic(topic, _options.Embedded.Partitions);
            }

            BootstrapServers = _embedded.BootstrapServers;
            LogEmbeddedBroker(logger, BootstrapServers, _options.Topics.Purchases);
        }
        else
        {
            BootstrapServers = _options.BootstrapServers!;
        }
    }

    public string BootstrapServers { get; }

    public KafkaTopics Topics => _options.Topics;

    /// <summary>The embedded broker, when this silo runs one (for tests that simulate outages).</summary>
    public EmbeddedKafkaBroker? EmbeddedBroker => _embedded;

    public ConsumerConfig ConsumerConfig()
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = _options.GroupId,
            // Offsets are committed by the ingestion checkpoint only, behind durable state.
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // An eager assignor: cooperative rebalancing with manual commits is error-prone.
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
            EnablePartitionEof = false,
        };
        ApplyFetchSettings(config);
        foreach (var (key, value) in _options.Consumer)
        {
            config.Set(key, value);
        }

        return config;
    }

    /// <summary>How the ingestion's consumer fetches (the benchmark's row 1' uses the same).</summary>
    public static void ApplyFetchSettings(ConsumerConfig config)
    {
        config.FetchWaitMaxMs = 50;
        config.QueuedMinMessages = 10000;
        // With the local queue full librdkafka pauses fetching for this long (default 1 s):
        // far too long for a consumer that drains it in milliseconds.
        config.FetchQueueBackoffMs = 10;
    }

    /// <summary>How long an effect's producer or look-up may wait for the broker (Kafka:EffectTimeout).</summary>
    public TimeSpan EffectTimeout => _options.EffectTimeout;

    /// <summary>
    /// A producer whose every message succeeds or fails within <see cref="EffectTimeout"/>
    /// (tier changes, dead letters): the configured producer settings, with that timeout last.
    /// </summary>
    public ProducerConfig EffectProducerConfig()
    {
        var config = ProducerConfig();
        config.MessageTimeoutMs = (int)_options.EffectTimeout.TotalMilliseconds;
        config.RequestTimeoutMs = Math.Min(config.RequestTimeoutMs ?? 30_000, (int)_options.EffectTimeout.TotalMilliseconds);
        return config;
    }

    /// <summary>
    /// A consumer that only looks things up (offsets, records) outside the engine's group: the
    /// configured consumer settings (security among them), under its own group id, committing nothing.
    /// </summary>
    public ConsumerConfig LookupConsumerConfig(string groupId)
    {
        var config = ConsumerConfig();
        config.GroupId = groupId;
        config.EnableAutoCommit = false;
        config.EnableAutoOffsetStore = false;
        return config;
    }

    public ProducerConfig ProducerConfig()
    {
        var config = new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
        };
        foreach (var (key, value) in _options.Producer)
        {
            config.Set(key, value);
        }

        return config;
    }

    public void Dispose() => _embedded?.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded Kafka broker (not durable, for development) listening at {BootstrapServers}; produce with e.g. kcat -b {BootstrapServers} -t {Topic} -P -K:")]
    private static partial void LogEmbeddedBroker(ILogger logger, string bootstrapServers, string topic);
}

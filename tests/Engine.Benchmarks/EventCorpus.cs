using Confluent.Kafka;
using Engine.Contracts;
using Engine.Silo.Demo;
using Engine.Silo.Kafka;
using Engine.Testing.Kafka;

namespace Engine.Benchmarks;

/// <summary>
/// The simulated shopper events every row measures, and the embedded broker holding them:
/// created and filled before any measurement, so no row pays for producing. Warm-up events
/// (other customers) come first, so the measured events find the JIT's optimized code.
/// </summary>
internal sealed class EventCorpus : IDisposable
{
    // The mock broker keeps only about the newest 5 MB per partition; stay well under it,
    // with room for the hash partitioner's imbalance.
    private const long TargetBytesPerPartition = 2L * 1024 * 1024;
    private const int MinPartitions = 32;

    private EventCorpus(EmbeddedKafkaBroker broker, KafkaTopics topics, IReadOnlyList<SimulatedEvent> warmup, IReadOnlyList<SimulatedEvent> events, int partitions, Measurement produce)
    {
        Broker = broker;
        Topics = topics;
        Warmup = warmup;
        Events = events;
        Partitions = partitions;
        Produce = produce;
    }

    public EmbeddedKafkaBroker Broker { get; }

    public KafkaTopics Topics { get; }

    /// <summary>Produced first, for their own customers; not measured.</summary>
    public IReadOnlyList<SimulatedEvent> Warmup { get; }

    /// <summary>The measured events.</summary>
    public IReadOnlyList<SimulatedEvent> Events { get; }

    /// <summary>Everything in the topics: warm-up and measured events.</summary>
    public int Total => Warmup.Count + Events.Count;

    public int Partitions { get; }

    /// <summary>How long pre-producing took (setup, not a target).</summary>
    public Measurement Produce { get; }

    public string BootstrapServers => Broker.BootstrapServers;

    /// <summary>Simulation time starts a few days back so the events' timestamps lie in the past.</summary>
    public static DateTimeOffset SimulationStart { get; } = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-3);

    /// <summary>
    /// Where a stream's simulated time starts: the realistic stream passes months of a shop's
    /// life in a run (about 318 events per customer per simulated year), so it starts 120 days
    /// back to keep its events in the past (an SMS is not due before its event's time).
    /// </summary>
    public static DateTimeOffset StartOf(ShopperProfile profile) =>
        profile == ShopperProfile.Realistic ? SimulationStart.AddDays(3 - 120) : SimulationStart;

    /// <summary>A deterministic shopper stream; a different <paramref name="customerPrefix"/> gives the same events for other customers.</summary>
    public static List<SimulatedEvent> Simulate(int events, int customers, int seed, string customerPrefix, ShopperProfile profile) =>
        [.. new ShopperSimulation(customers, seed, StartOf(profile), customerPrefix, profile: profile).Take(events)];

    /// <summary>Starts a broker, creates the engine's topics and produces the events into them.</summary>
    public static EventCorpus Create(BenchmarkOptions options)
    {
        NativeKafka.EnsureLoaded();
        var topics = new KafkaTopics();
        var warmup = Simulate(options.Warmup, options.Customers, options.Seed + 1, "warm-", options.Stream);
        var events = Simulate(options.Events, options.Customers, options.Seed, "bench-", options.Stream);
        var partitions = options.Partitions ?? PartitionsFor([.. warmup, .. events], topics);

        var broker = EmbeddedKafkaBroker.Start();
        try
        {
            foreach (var topic in topics.Inbound.Concat(topics.Outbound))
            {
                broker.CreateTopic(topic, partitions);
            }

            var start = ProcessSnapshot.Take();
            ProduceAll(broker.BootstrapServers, topics, [.. warmup, .. events], options.ProducerSettings);
            var total = warmup.Count + events.Count;
            var produce = ProcessSnapshot.Take().Since(start, "setup: produce warm-up + measured events", total, "Acks.All, LingerMs 5; not a target");
            VerifyNothingDeleted(broker.BootstrapServers, topics, partitions, total);
            return new EventCorpus(broker, topics, warmup, events, partitions, produce);
        }
        catch
        {
            broker.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A plain consumer in a group of its own: librdkafka's defaults, or with
    /// <paramref name="engineFetchSettings"/> the fetch settings KafkaEndpoint.ConsumerConfig
    /// gives the engine; then the --consumer settings, which the engine gets too.
    /// </summary>
    public ConsumerConfig ConsumerConfig(string groupId, bool engineFetchSettings, IReadOnlyDictionary<string, string> settings)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = false,
        };
        if (engineFetchSettings)
        {
            config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range;
            Silo.Kafka.KafkaEndpoint.ApplyFetchSettings(config);
        }

        foreach (var (key, value) in settings)
        {
            config.Set(key, value);
        }

        return config;
    }

    public void Dispose() => Broker.Dispose();

    /// <summary>Partitions per topic so that the largest topic holds about <paramref name="targetBytes"/> per partition.</summary>
    internal static int PartitionsFor(IReadOnlyList<SimulatedEvent> events, KafkaTopics topics, long targetBytes = TargetBytesPerPartition)
    {
        var largestTopic = events.GroupBy(e => topics.TopicOf(e.Type)).Max(g => g.Sum(e => (long)e.Json.Length + e.CustomerId.Length + 64));
        return (int)Math.Max(MinPartitions, (largestTopic + targetBytes - 1) / targetBytes);
    }

    /// <summary>The benchmark's producers: Acks.All, LingerMs 5, then <paramref name="settings"/> (librdkafka names) on top.</summary>
    internal static ProducerConfig ProducerConfig(string bootstrapServers, IReadOnlyDictionary<string, string> settings)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            LingerMs = 5,
            QueueBufferingMaxMessages = 1_000_000,
        };
        foreach (var (key, value) in settings)
        {
            config.Set(key, value);
        }

        return config;
    }

    internal static void ProduceAll(string bootstrapServers, KafkaTopics topics, IReadOnlyList<SimulatedEvent> events, IReadOnlyDictionary<string, string> settings)
    {
        var config = ProducerConfig(bootstrapServers, settings);

        long failed = 0;
        string? firstError = null;
        using var producer = new ProducerBuilder<string, byte[]>(config).Build();
        void OnDelivered(DeliveryReport<string, byte[]> report)
        {
            if (report.Error.IsError && Interlocked.Increment(ref failed) == 1)
            {
                firstError = report.Error.Reason;
            }
        }

        foreach (var e in events)
        {
            producer.ProduceWaitingForRoom(topics.TopicOf(e.Type), new Message<string, byte[]> { Key = e.CustomerId, Value = e.Json }, TimeSpan.FromMilliseconds(50), OnDelivered);
        }

        if (producer.Flush(TimeSpan.FromMinutes(2)) > 0)
        {
            throw new InvalidOperationException("the producer did not deliver every event within 2 minutes");
        }

        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} events were not delivered (first: {firstError})");
        }
    }

    /// <summary>Fails when the mock broker's retention already dropped events: every row must read all of them.</summary>
    internal static void VerifyNothingDeleted(string bootstrapServers, KafkaTopics topics, int partitions, long expected)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "bench-watermarks" }).Build();
        long total = 0;
        foreach (var topic in topics.Inbound)
        {
            for (var p = 0; p < partitions; p++)
            {
                var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10));
                if (watermarks.Low.Value > 0)
                {
                    throw new InvalidOperationException($"{topic}[{p}] starts at offset {watermarks.Low.Value}: the mock broker dropped events; use more --partitions");
                }

                total += watermarks.High.Value;
            }
        }

        if (total != expected)
        {
            throw new InvalidOperationException($"the broker holds {total} events, expected {expected}");
        }
    }
}

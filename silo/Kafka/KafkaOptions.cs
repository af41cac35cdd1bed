using Engine.Contracts;

namespace Engine.Silo.Kafka;

/// <summary>
/// Kafka settings, bound from "Kafka". Leave <see cref="BootstrapServers"/> empty to run
/// an embedded broker; set it to use a real cluster. Any librdkafka property can be given
/// in <see cref="Consumer"/> or <see cref="Producer"/> (security, timeouts, fetch sizes).
/// </summary>
public sealed class KafkaOptions
{
    public const string SectionName = "Kafka";

    public string? BootstrapServers { get; set; }
    public string GroupId { get; set; } = "engagement-engine";
    public KafkaTopics Topics { get; set; } = new();
    public EmbeddedKafkaOptions Embedded { get; set; } = new();

    /// <summary>Extra librdkafka consumer properties, applied last.</summary>
    public Dictionary<string, string> Consumer { get; set; } = [];

    /// <summary>Extra librdkafka producer properties (dead letters, demo), applied last.</summary>
    public Dictionary<string, string> Producer { get; set; } = [];

    /// <summary>
    /// How long a tier-change publication or a dead-letter write may wait for the broker
    /// (librdkafka's message.timeout.ms for those producers, and each look-up's timeout).
    /// Shorter than an Orleans grain call (30 s), so a publication inside a customer's call
    /// fails inside it and stays in the outbox, and far below max.poll.interval.ms, so a
    /// dead letter cannot keep the ingestion thread out of its group.
    /// </summary>
    public TimeSpan EffectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest <see cref="EffectTimeout"/>: below the grain call timeout, with room for the call's own work.</summary>
    public static readonly TimeSpan MaxEffectTimeout = TimeSpan.FromSeconds(20);

    public bool UsesEmbeddedBroker => string.IsNullOrWhiteSpace(BootstrapServers);
}

/// <summary>The topics the engine reads and writes, bound from "Kafka:Topics".</summary>
public sealed class KafkaTopics : IEventTopics
{
    public string Purchases { get; set; } = DefaultTopics.Purchases;
    public string Clicks { get; set; } = DefaultTopics.Clicks;
    public string Customers { get; set; } = DefaultTopics.Customers;
    public string DeadLetter { get; set; } = DefaultTopics.DeadLetter;
    public string TierChanges { get; set; } = DefaultTopics.TierChanges;
    public string SegmentChanges { get; set; } = DefaultTopics.SegmentChanges;

    /// <summary>The topics the ingestion consumes: one per event stream, so every event type has its topic read.</summary>
    public IReadOnlyList<string> Inbound => [.. EventStreams.All.Select(this.TopicOf)];

    /// <summary>The topics the engine writes.</summary>
    public IReadOnlyList<string> Outbound => [DeadLetter, TierChanges, SegmentChanges];
}

/// <summary>Shape of the embedded broker's topics.</summary>
public sealed class EmbeddedKafkaOptions
{
    public int Brokers { get; set; } = 1;

    /// <summary>
    /// Partitions per topic. The mock broker keeps only about the newest 5 MB per
    /// partition, so more partitions keep more history for a consumer that falls behind.
    /// </summary>
    public int Partitions { get; set; } = 16;
}

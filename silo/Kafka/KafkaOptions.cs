namespace Engine.Silo.Kafka;

/// <summary>
/// Kafka settings, bound from "Kafka". Leave <see cref="BootstrapServers"/> empty to run
/// an embedded broker; set it to use a real cluster. Any librdkafka property can be given
/// in <see cref="Consumer"/> or <see cref="Producer"/> (security, timeouts, fetch sizes).
/// </summary>
public sealed class KafkaOptions
{
    public string? BootstrapServers { get; set; }
    public string GroupId { get; set; } = "engagement-engine";
    public KafkaTopics Topics { get; set; } = new();
    public EmbeddedKafkaOptions Embedded { get; set; } = new();

    /// <summary>Extra librdkafka consumer properties, applied last.</summary>
    public Dictionary<string, string> Consumer { get; set; } = [];

    /// <summary>Extra librdkafka producer properties (dead letters, demo), applied last.</summary>
    public Dictionary<string, string> Producer { get; set; } = [];

    public bool UsesEmbeddedBroker => string.IsNullOrWhiteSpace(BootstrapServers);
}

/// <summary>The topics the engine reads and writes.</summary>
public sealed class KafkaTopics
{
    public string Purchases { get; set; } = "engagement.purchases";
    public string Clicks { get; set; } = "engagement.clicks";
    public string Customers { get; set; } = "engagement.customers";
    public string DeadLetter { get; set; } = "engagement.dead-letter";
    public string TierChanges { get; set; } = "engagement.tier-changes";

    /// <summary>The topics the ingestion consumes.</summary>
    public IReadOnlyList<string> Inbound => [Purchases, Clicks, Customers];

    /// <summary>The topics the engine writes.</summary>
    public IReadOnlyList<string> Outbound => [DeadLetter, TierChanges];
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

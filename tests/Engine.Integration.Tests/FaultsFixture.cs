namespace Engine.Integration.Tests;

/// <summary>
/// A cluster of its own for fault tests, which break things others would see (the broker goes
/// down) or need settings of their own: one partition per topic (every event of a topic in one
/// offset order), apply retries after 200 ms, and a JPY rate so large (1e20, an operator's
/// typo) that a purchase at the amount bound overflows the rules' arithmetic: a real failure
/// in the rules, with no test hook in the engine.
/// </summary>
public sealed class FaultsFixture() : EmbeddedEngineFixture(Partitions, "engine-faults-", new Dictionary<string, string?>
{
    ["Ingestion:CheckpointInterval"] = "00:00:01",
    ["Ingestion:ApplyRetryDelay"] = "00:00:00.2",
    ["Ingestion:MaxBatchWait"] = "00:00:00.005",
    ["WriteBehind:MaxUnsavedAge"] = "00:00:01",
    ["Rules:ExchangeRates:JPY"] = "100000000000000000000",
    ["Kafka:EffectTimeout"] = "00:00:05",
})
{
    public const int Partitions = 1;

    /// <summary>Times a rules failure is tried before it is dead-lettered (the default).</summary>
    public const int MaxApplyAttempts = 3;
}

[CollectionDefinition(Name)]
public sealed class FaultsCollection : ICollectionFixture<FaultsFixture>
{
    public const string Name = "faults";
}

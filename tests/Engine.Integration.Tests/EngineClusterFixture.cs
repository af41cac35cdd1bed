namespace Engine.Integration.Tests;

/// <summary>
/// An embedded Kafka broker and a one-silo in-process Orleans cluster running the engine's
/// real ingestion against it. Shared by the tests of one collection; each test uses its
/// own customer ids and measures metric deltas, so no test depends on another's data.
/// </summary>
public sealed class EngineClusterFixture() : EmbeddedEngineFixture(Partitions, "engine-tests-", new Dictionary<string, string?>
{
    ["Ingestion:CheckpointInterval"] = "00:00:01",
    // Write-behind as in production, only shorter: customers write once their events are a second old.
    ["WriteBehind:MaxUnsavedAge"] = "00:00:01",
    ["Ingestion:MaxBatchWait"] = "00:00:00.005",
})
{
    public const int Partitions = 16;
}

[CollectionDefinition(Name)]
public sealed class EngineClusterCollection : ICollectionFixture<EngineClusterFixture>
{
    public const string Name = "engine cluster";
}

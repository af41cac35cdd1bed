namespace Engine.Contracts;

/// <summary>
/// Tells clients how to reach the engine's event streams, so the admin client can produce
/// events without its own copy of the Kafka configuration.
/// </summary>
[Alias("engine.IEngineInfoGrain")]
public interface IEngineInfoGrain : IGrainWithIntegerKey
{
    [Alias("GetInfo")]
    Task<EngineInfo> GetInfoAsync();
}

/// <summary>The Kafka bootstrap address and topic names the engine consumes.</summary>
[GenerateSerializer, Immutable, Alias("engine.EngineInfo")]
public sealed record EngineInfo(
    [property: Id(0)] string BootstrapServers,
    [property: Id(1)] string PurchasesTopic,
    [property: Id(2)] string ClicksTopic,
    [property: Id(3)] string CustomersTopic,
    [property: Id(4)] string DeadLetterTopic);

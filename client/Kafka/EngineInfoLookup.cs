using Engine.Contracts;

namespace Engine.Client.Kafka;

/// <summary>
/// Where the engine's Kafka topics are, for the commands that talk to Kafka: asked from the
/// cluster, or, with <c>--bootstrap</c>, that address with the default topic names (no cluster needed).
/// </summary>
public static class EngineInfoLookup
{
    /// <exception cref="EngineUnreachableException">Without <paramref name="bootstrap"/>, when the cluster cannot be reached.</exception>
    public static async Task<EngineInfo> ResolveAsync(EngineAddress address, string? bootstrap, CancellationToken cancellationToken) =>
        bootstrap is { } servers
            ? new EngineInfo(servers, DefaultTopics.Purchases, DefaultTopics.Clicks, DefaultTopics.Customers, DefaultTopics.DeadLetter)
            : await ClusterConnection.AskAsync(address, client => client.GetGrain<IEngineInfoGrain>(0).GetInfoAsync(), cancellationToken);
}

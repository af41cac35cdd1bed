using Engine.Contracts;
using Engine.Silo.Metrics;

namespace Engine.Silo.Cluster;

/// <summary>
/// Counts, where each customer grain runs, whether the batch it is given came from a consumer
/// on the same silo (local) or over the network (remote): the share placement achieves.
/// </summary>
public sealed class IngestionCallLocality(EngineMetrics metrics, ILocalSiloDetails silo) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is ICustomerGrain && context.InterfaceMethod?.Name == nameof(ICustomerGrain.ApplyAsync) && ConsumerPlacement.Consumer() is { } consumer)
        {
            (consumer.Equals(silo.SiloAddress) ? metrics.LocalIngestionCalls : metrics.RemoteIngestionCalls).Inc();
        }

        return context.Invoke();
    }
}

using Engine.Contracts;
using Engine.Silo.Metrics;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Cluster;

/// <summary>
/// Counts, where each customer grain runs, whether the batch it is given came from a consumer
/// on the same silo (local) or over the network (remote): the share placement achieves. After
/// a remote batch the grain deactivates (writing what it holds), so the consumer's next batch
/// places it on the consumer's silo (<see cref="PlacementOptions.MoveToConsumer"/>).
/// </summary>
public sealed class IngestionCallLocality(EngineMetrics metrics, ILocalSiloDetails silo, IOptions<PlacementOptions> options) : IIncomingGrainCallFilter
{
    private static readonly DeactivationReason MoveToConsumer = new(DeactivationReasonCode.ApplicationRequested, "the customer's partition is consumed on another silo");

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is not ICustomerGrain || context.InterfaceMethod?.Name != nameof(ICustomerGrain.ApplyAsync) || ConsumerPlacement.Consumer() is not { } consumer)
        {
            await context.Invoke();
            return;
        }

        var local = consumer.Equals(silo.SiloAddress);
        (local ? metrics.LocalIngestionCalls : metrics.RemoteIngestionCalls).Inc();
        await context.Invoke();
        if (!local && options.Value.MoveToConsumer)
        {
            context.TargetContext.Deactivate(MoveToConsumer);
        }
    }
}

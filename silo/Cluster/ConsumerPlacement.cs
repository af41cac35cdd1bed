using Orleans.Runtime.Placement;

namespace Engine.Silo.Cluster;

/// <summary>
/// Puts a customer's grain on the silo that consumes the customer's partition. The ingestion
/// marks its grain calls with its own silo as Orleans' placement hint
/// (<see cref="IPlacementDirector.PlacementHintKey"/>), which Orleans' placement directors
/// honour when they activate the grain; so a customer first activated by its events lives
/// where they are read, and the batch never crosses the network. The consumer of an event is
/// by definition the owner of its partition, so no partitioner has to be recomputed here.
/// </summary>
public static class ConsumerPlacement
{
    /// <summary>Grain calls made from here on in this flow ask to be placed on <paramref name="consumer"/>.</summary>
    public static void PlaceCalledGrainsOn(SiloAddress consumer) => RequestContext.Set(IPlacementDirector.PlacementHintKey, consumer);

    /// <summary>The silo of the consumer that made the current call, when the call came from an ingestion.</summary>
    public static SiloAddress? Consumer() => RequestContext.Get(IPlacementDirector.PlacementHintKey) as SiloAddress;
}

using Orleans.Concurrency;

namespace Engine.Contracts;

/// <summary>
/// What one silo last said about its ingestion: readiness, the partitions it consumes and
/// their lag. Keyed by the silo's address; each silo reports every few seconds, so
/// <c>engine-admin status</c> can show the whole cluster from one gateway. Kept in memory
/// only: after a restart the next report fills it again.
/// </summary>
[Alias("engine.ISiloStatusGrain")]
public interface ISiloStatusGrain : IGrainWithStringKey
{
    [Alias("Report")]
    Task ReportAsync(SiloStatusReport report);

    /// <summary>The last report, or null when the silo has not reported (yet).</summary>
    [Alias("Get"), ReadOnly]
    Task<SiloStatusReport?> GetAsync();
}

[GenerateSerializer, Immutable, Alias("engine.SiloStatusReport")]
public sealed record SiloStatusReport(
    [property: Id(0)] string Silo,
    [property: Id(1)] DateTimeOffset ReportedAt,
    [property: Id(2)] bool Ready,
    [property: Id(3)] string? Problem,
    [property: Id(4)] IReadOnlyList<PartitionStatus> Partitions,
    [property: Id(5)] long EventsApplied);

/// <summary>A partition a silo consumes, with the messages beyond what it has read.</summary>
[GenerateSerializer, Immutable, Alias("engine.PartitionStatus")]
public sealed record PartitionStatus(
    [property: Id(0)] string Topic,
    [property: Id(1)] int Partition,
    [property: Id(2)] long Lag);

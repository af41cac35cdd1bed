using Engine.Contracts;

namespace Engine.Client.Rendering;

/// <summary>What <c>status</c> prints: each silo the membership knows, with what it last reported.</summary>
public sealed record ClusterStatusReport(DateTimeOffset At, IReadOnlyList<SiloStatusRow> Silos)
{
    /// <summary>Every active silo reported recently and is ready.</summary>
    public bool AllReady => Silos.Count > 0 && Silos.Where(s => s.Status == "active").All(s => s.Ready == true && !s.Stale);
}

public sealed record SiloStatusRow(
    string Silo,
    string Name,
    string Status,
    DateTimeOffset? StartedAt,
    bool? Ready,
    string? Problem,
    DateTimeOffset? ReportedAt,
    bool Stale,
    long? EventsApplied,
    long? Lag,
    IReadOnlyList<PartitionStatus> Partitions);

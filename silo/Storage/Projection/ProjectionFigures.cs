namespace Engine.Silo.Storage.Projection;

/// <summary>The latest counts of customers per tier and per segment, read from the projection for the gauges.</summary>
public sealed class ProjectionFigures
{
    private volatile Snapshot _latest = new(new Dictionary<string, long>(), new Dictionary<string, long>());

    /// <summary>Tier ("none" before the ladder placed a customer) → customers; segment → customers, every configured segment included.</summary>
    public sealed record Snapshot(IReadOnlyDictionary<string, long> Tiers, IReadOnlyDictionary<string, long> Segments);

    public Snapshot Latest => _latest;

    public void Update(Snapshot snapshot) => _latest = snapshot;
}

using System.Collections.Concurrent;

namespace Engine.Grains;

/// <summary>The silo's count of segment changes published, by segment and direction (entered, left).</summary>
public sealed class SegmentStatistics
{
    public ConcurrentDictionary<(string Segment, string Direction), long> Published { get; } = new();

    public void RecordPublished(string segment, bool entered) =>
        Published.AddOrUpdate((segment, entered ? "entered" : "left"), 1, (_, n) => n + 1);
}

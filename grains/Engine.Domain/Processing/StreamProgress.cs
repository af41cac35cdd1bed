using Engine.Domain.Events;

namespace Engine.Domain.Processing;

/// <summary>
/// How far a customer has applied each source stream, plus the ids of its most recent
/// events. Kafka delivers at least once; this is what turns that into exactly-once
/// effects on state: an event at or below its stream's watermark, or with a recently seen
/// id (a producer retry that landed at a new offset), is skipped.
/// </summary>
[GenerateSerializer, Alias("engine.StreamProgress")]
public sealed class StreamProgress
{
    /// <summary>How many recent event ids are remembered. Producer retries land close together.</summary>
    public const int RecentEventIdCapacity = 32;

    /// <summary>Highest applied offset per stream ("topic/partition").</summary>
    [Id(0)] public Dictionary<string, long> Watermarks { get; set; } = new(StringComparer.Ordinal);

    /// <summary>64-bit hashes of the most recent event ids, oldest first.</summary>
    [Id(1)] public List<ulong> RecentEventIds { get; set; } = [];

    /// <summary>The highest applied offset of a stream, or -1 when nothing was applied from it.</summary>
    public long WatermarkOf(string stream) => Watermarks.TryGetValue(stream, out var offset) ? offset : -1;

    /// <summary>True when the event was already applied (by position or by id).</summary>
    public bool HasSeen(SequencedEvent sequenced) => HasApplied(sequenced.Position) || HasRecentId(sequenced.Event.EventId);

    /// <summary>True when the event's position was already applied (a replay).</summary>
    public bool HasApplied(EventPosition position) => position.Offset <= WatermarkOf(position.Stream);

    /// <summary>True when an event with this id was applied recently (a producer retry).</summary>
    public bool HasRecentId(string eventId) => RecentEventIds.Contains(EventIdHash.Of(eventId));

    /// <summary>
    /// Moves the stream's watermark past a position without remembering an id: for a
    /// producer retry, whose offset is new even though its event is not.
    /// </summary>
    public void Pass(EventPosition position)
    {
        if (position.Offset > WatermarkOf(position.Stream))
        {
            Watermarks[position.Stream] = position.Offset;
        }
    }

    /// <summary>Records that the event was handled, whether applied or rejected.</summary>
    public void Record(SequencedEvent sequenced)
    {
        Pass(sequenced.Position);

        if (RecentEventIds.Count >= RecentEventIdCapacity)
        {
            RecentEventIds.RemoveAt(0);
        }

        RecentEventIds.Add(EventIdHash.Of(sequenced.Event.EventId));
    }
}

using Engine.Domain.Events;

namespace Engine.Domain.Processing;

/// <summary>
/// How far a customer has applied each source stream, plus the ids of its most recent
/// events and the business keys of its money and points events. Kafka delivers at least
/// once; this is what turns that into exactly-once effects on state: an event at or below
/// its stream's watermark, with a recently seen id, or (for purchases, refunds, redemptions
/// and adjustments) with a business key applied within the retention (a producer retry that
/// landed at a new offset, however far behind), is skipped.
/// </summary>
[GenerateSerializer, Alias("engine.StreamProgress")]
public sealed class StreamProgress
{
    /// <summary>How many recent event ids are remembered by default (Rules:Dedupe:RecentEventIds).</summary>
    public const int DefaultRecentEventIdCapacity = 32;

    // A key entry: the top 48 bits of the key's hash, and the low 16 the key clock's day (mod 65536) when it was applied.
    private const ulong HashMask = 0xFFFF_FFFF_FFFF_0000UL;

    /// <summary>Highest applied offset per stream ("topic/partition").</summary>
    [Id(0)] public Dictionary<string, long> Watermarks { get; set; } = new(StringComparer.Ordinal);

    /// <summary>64-bit hashes of the most recent event ids, oldest first.</summary>
    public List<ulong> RecentEventIds
    {
        get => _recentEventIds;
        set => _recentEventIds = value;
    }

    /// <summary>
    /// Business keys applied (see <see cref="BusinessKeys"/>), oldest first, each packed with the
    /// day it was applied: compact, so they can be kept for a topic's whole retention.
    /// </summary>
    public List<ulong> AppliedKeys
    {
        get => _appliedKeys;
        set => _appliedKeys = value;
    }

    /// <summary>The newest event day seen by the key memory (a day number): its clock, which only moves forward.</summary>
    [Id(3)] public int KeyClockDay { get; set; }

    [NonSerialized] private List<ulong> _recentEventIds = [];
    [NonSerialized] private List<ulong> _appliedKeys = [];

    // Rows written before the packed forms hold these lists as variable-length numbers (Ids 1, 2),
    // about 10 bytes for a random 64-bit hash; packed they take 8: read, never written again.
    [Id(1)]
    internal List<ulong>? LegacyRecentEventIds
    {
        get => null;
        set => _recentEventIds = value is { Count: > 0 } ? value : _recentEventIds;
    }

    [Id(2)]
    internal List<ulong>? LegacyAppliedKeys
    {
        get => null;
        set => _appliedKeys = value is { Count: > 0 } ? value : _appliedKeys;
    }

    [Id(4)]
    internal byte[] PackedRecentEventIds
    {
        get => Pack(_recentEventIds);
        set => _recentEventIds = Unpack(value);
    }

    [Id(5)]
    internal byte[] PackedAppliedKeys
    {
        get => Pack(_appliedKeys);
        set => _appliedKeys = Unpack(value);
    }

    private static byte[] Pack(List<ulong> hashes)
    {
        var bytes = new byte[hashes.Count * sizeof(ulong)];
        for (var i = 0; i < hashes.Count; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)), hashes[i]);
        }

        return bytes;
    }

    private static List<ulong> Unpack(byte[]? bytes)
    {
        var hashes = new List<ulong>((bytes?.Length ?? 0) / sizeof(ulong));
        for (var i = 0; bytes is not null && i + sizeof(ulong) <= bytes.Length; i += sizeof(ulong))
        {
            hashes.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i)));
        }

        return hashes;
    }

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

    /// <summary>True when a business key (<see cref="BusinessKeys"/>) was applied within the retention.</summary>
    public bool HasKey(string key)
    {
        var hash = EventIdHash.Of(key) & HashMask;
        foreach (var entry in AppliedKeys)
        {
            if ((entry & HashMask) == hash)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Records that the event was handled, whether applied or rejected; the ring keeps the newest <paramref name="capacity"/> ids.</summary>
    public void Record(SequencedEvent sequenced, int capacity = DefaultRecentEventIdCapacity)
    {
        Pass(sequenced.Position);

        while (RecentEventIds.Count >= Math.Max(1, capacity))
        {
            RecentEventIds.RemoveAt(0);
        }

        RecentEventIds.Add(EventIdHash.Of(sequenced.Event.EventId));
    }

    /// <summary>
    /// Remembers the business keys of an applied event, and forgets keys older than the
    /// retention (days of the newest event time seen) or beyond the cap, oldest first.
    /// </summary>
    public void RememberKeys(CustomerEvent applied, DedupePolicy policy)
    {
        var keys = BusinessKeys.Of(applied);
        if (keys.Count == 0)
        {
            return;
        }

        var day = DateOnly.FromDateTime(applied.OccurredAt.UtcDateTime).DayNumber;
        KeyClockDay = Math.Max(KeyClockDay, day);
        var stamp = (ulong)(KeyClockDay & 0xFFFF);
        AppliedKeys.RemoveAll(entry => ((KeyClockDay - (int)(entry & 0xFFFF)) & 0xFFFF) > policy.KeyRetentionDays);
        foreach (var key in keys)
        {
            if (AppliedKeys.Count >= Math.Max(1, policy.MaxKeys))
            {
                AppliedKeys.RemoveAt(0);
            }

            AppliedKeys.Add((EventIdHash.Of(key) & HashMask) | stamp);
        }
    }
}

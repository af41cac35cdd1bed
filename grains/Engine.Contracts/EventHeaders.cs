namespace Engine.Contracts;

/// <summary>Kafka headers of the event contract that producers may set (docs/events.md, "Backfill").</summary>
public static class EventHeaders
{
    /// <summary>
    /// <c>engine-mode: backfill</c> marks history being loaded: the event builds state as a live
    /// one does, and what it decides is recorded as historical, never texted.
    /// </summary>
    public const string Mode = "engine-mode";

    public const string BackfillMode = "backfill";

    /// <summary>Whether a header value (raw bytes) says backfill, compared without allocating.</summary>
    public static bool IsBackfill(ReadOnlySpan<byte> value) => value.SequenceEqual("backfill"u8);
}

namespace Engine.Domain.Processing;

/// <summary>
/// How much a customer remembers to recognise an event it has already applied (section
/// <c>Rules:Dedupe</c>; docs/architecture.md, "Effectively once").
/// </summary>
public sealed class DedupePolicy
{
    /// <summary>
    /// Event ids of any type remembered (a ring, 8 bytes each, about 10 serialized): a producer
    /// retry of a click or a profile event within this many of the customer's events is skipped.
    /// </summary>
    public int RecentEventIds { get; set; } = StreamProgress.DefaultRecentEventIdCapacity;

    /// <summary>
    /// How long business keys (order, refund, redemption and adjustment ids) are remembered, in
    /// days of the customer's newest event time: set it to the inbound topics' retention, so a
    /// retry can never be older than what is remembered.
    /// </summary>
    public int KeyRetentionDays { get; set; } = 14;

    /// <summary>Most business keys kept whatever their age (about 10 bytes each serialized); the oldest go first.</summary>
    public int MaxKeys { get; set; } = 1024;
}

namespace Engine.Contracts;

/// <summary>
/// The topic names the engine uses when none are configured (<c>Kafka:Topics:*</c>). The silo,
/// the admin client and the tests all start from these.
/// </summary>
public static class DefaultTopics
{
    /// <summary>The <see cref="EventStream.Purchases"/> stream.</summary>
    public const string Purchases = "engagement.purchases";

    /// <summary>The <see cref="EventStream.Clicks"/> stream.</summary>
    public const string Clicks = "engagement.clicks";

    /// <summary>The <see cref="EventStream.Customers"/> stream.</summary>
    public const string Customers = "engagement.customers";

    /// <summary>Events the engine refused, with the reason in headers.</summary>
    public const string DeadLetter = "engagement.dead-letter";

    /// <summary>Published tier changes.</summary>
    public const string TierChanges = "engagement.tier-changes";

    /// <summary>Published segment membership changes (entered, left).</summary>
    public const string SegmentChanges = "engagement.segment-changes";
}

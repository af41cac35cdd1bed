namespace Engine.Domain.Sms;

/// <summary>Why a message is sent. Each trigger has one template per locale and one kind.</summary>
public enum SmsTrigger
{
    /// <summary>An operator's test message: transactional, but never to an opted-out customer.</summary>
    Test = 0,
    TierUpgrade = 1,
    TierDowngrade = 2,
    PointsExpiring = 3,
    CartAbandoned = 4,
    /// <summary>The answer to STOP (and its synonyms).</summary>
    OptOutConfirmation = 5,
    /// <summary>The answer to START (and its synonyms).</summary>
    OptInConfirmation = 6,
    /// <summary>The answer to HELP or INFO.</summary>
    Help = 7,

    /// <summary>The answer to a message about the texts that is neither clearly in nor out.</summary>
    Clarification = 8,
}

/// <summary>Marketing messages need consent and obey quiet hours and caps; transactional ones do not.</summary>
public enum SmsKind
{
    Marketing = 0,
    Transactional = 1,
}

/// <summary>What each trigger is, and its name in configuration and templates.</summary>
public static class SmsTriggers
{
    private static readonly Dictionary<SmsTrigger, string> Keys = new()
    {
        [SmsTrigger.Test] = "test",
        [SmsTrigger.TierUpgrade] = "tier_upgrade",
        [SmsTrigger.TierDowngrade] = "tier_downgrade",
        [SmsTrigger.PointsExpiring] = "points_expiring",
        [SmsTrigger.CartAbandoned] = "cart_abandoned",
        [SmsTrigger.OptOutConfirmation] = "opt_out_confirmation",
        [SmsTrigger.OptInConfirmation] = "opt_in_confirmation",
        [SmsTrigger.Help] = "help",
        [SmsTrigger.Clarification] = "clarification",
    };

    /// <summary>Every trigger, in declaration order.</summary>
    public static IReadOnlyList<SmsTrigger> All { get; } = Enum.GetValues<SmsTrigger>();

    /// <summary>
    /// The kind follows from the trigger alone, so no caller can send a marketing text as
    /// transactional to get around consent, quiet hours or caps.
    /// </summary>
    public static SmsKind KindOf(SmsTrigger trigger) =>
        trigger is SmsTrigger.TierUpgrade or SmsTrigger.TierDowngrade or SmsTrigger.PointsExpiring or SmsTrigger.CartAbandoned
            ? SmsKind.Marketing
            : SmsKind.Transactional;

    /// <summary>
    /// The answers to an inbound message: the only messages that may go to an opted-out
    /// customer (the STOP confirmation is, by definition, sent to an opted-out number), except a
    /// clarification, which asks whether to stop and so has nothing to ask an opted-out one.
    /// </summary>
    public static bool IsKeywordReply(SmsTrigger trigger) =>
        trigger is SmsTrigger.OptOutConfirmation or SmsTrigger.OptInConfirmation or SmsTrigger.Help or SmsTrigger.Clarification;

    /// <summary>snake_case name used in template keys ("tier_upgrade.en") and metrics labels.</summary>
    public static string Key(SmsTrigger trigger) =>
        Keys.TryGetValue(trigger, out var key) ? key : throw new ArgumentOutOfRangeException(nameof(trigger), trigger, "Unknown SMS trigger.");

    /// <summary>Reads a snake_case name (case-insensitive) back into a trigger.</summary>
    public static bool TryParseKey(string? key, out SmsTrigger trigger)
    {
        foreach (var (candidate, name) in Keys)
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
            {
                trigger = candidate;
                return true;
            }
        }

        trigger = default;
        return false;
    }
}

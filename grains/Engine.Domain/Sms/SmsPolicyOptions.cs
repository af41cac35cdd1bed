namespace Engine.Domain.Sms;

/// <summary>
/// The SMS policy, bound from configuration section <see cref="SectionName"/>. Every
/// property has a working default, so an empty section gives the documented behaviour.
/// </summary>
public sealed class SmsPolicyOptions
{
    public const string SectionName = "Sms:Policy";

    /// <summary>When marketing messages may go out, in the customer's local time (default 08:00–21:00).</summary>
    public QuietHoursWindow QuietHours { get; set; } = new();

    /// <summary>
    /// Windows for some time zones, keyed by an IANA zone id or a prefix of one ("Europe/Paris",
    /// "Europe/", "America/"). For a customer, the longest key that is a prefix of their zone id
    /// (compared ignoring case) wins; with none, <see cref="QuietHours"/> applies. A country is
    /// named through its zones (e.g. "Europe/Paris" for France).
    /// </summary>
    public Dictionary<string, QuietHoursWindow> RegionOverrides { get; set; } = [];

    /// <summary>Zone used for customers with no time zone, or one this machine does not know.</summary>
    public string DefaultTimeZone { get; set; } = "UTC";

    /// <summary>Marketing caps for customers without caps of their own.</summary>
    public SmsCaps Caps { get; set; } = new();

    /// <summary>
    /// Which marketing message wins when the cap lets only one through on a customer's day:
    /// higher wins. Triggers not listed count as 0.
    /// </summary>
    public Dictionary<SmsTrigger, int> Priorities { get; set; } = new()
    {
        [SmsTrigger.PointsExpiring] = 30,
        [SmsTrigger.TierUpgrade] = 20,
        [SmsTrigger.CartAbandoned] = 10,
        [SmsTrigger.TierDowngrade] = 5,
    };

    /// <summary>
    /// At most one HELP reply per this interval per customer: further HELPs within it are
    /// answered by nothing and counted as suppressed:reply-limited. Zero: no limit.
    /// </summary>
    public TimeSpan HelpReplyInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// At most one clarification (the answer to a message about the texts that is neither in
    /// nor out, such as "who is this?") per this interval per customer. Zero: no limit.
    /// </summary>
    public TimeSpan ClarificationReplyInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Opt-out, opt-in and help words beyond the built-in English ones.</summary>
    public SmsKeywordOptions Keywords { get; set; } = new();

    /// <summary>The reply to HELP and INFO, in the default language.</summary>
    public string HelpText { get; set; } =
        "Loyalty alerts: points, tier and cart reminders, up to 3 msgs/week. Msg & data rates may apply. Reply STOP to opt out.";

    /// <summary>The reply to STOP and its synonyms, in the default language.</summary>
    public string OptOutConfirmationText { get; set; } =
        "You're unsubscribed and will get no more marketing texts. Reply START to subscribe again.";

    /// <summary>The reply to a message about the texts that says neither stop nor start, in the default language.</summary>
    public string ClarificationText { get; set; } =
        "Sorry, we didn't get that. Reply STOP to stop loyalty texts or HELP for help.";

    /// <summary>The reply to START, UNSTOP and YES, in the default language.</summary>
    public string OptInConfirmationText { get; set; } =
        "You're subscribed to loyalty alerts again, up to 3 msgs/week. Reply HELP for help, STOP to opt out.";

    /// <summary>The window for a zone id: the longest matching <see cref="RegionOverrides"/> key, else <see cref="QuietHours"/>.</summary>
    public QuietHoursWindow WindowFor(string timeZoneId)
    {
        QuietHoursWindow? best = null;
        var bestLength = -1;
        foreach (var (prefix, window) in RegionOverrides)
        {
            if (prefix.Length > bestLength && timeZoneId.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                best = window;
                bestLength = prefix.Length;
            }
        }

        return best ?? QuietHours;
    }

    /// <summary>How long after one reply of this trigger another is withheld; zero for triggers without a limit.</summary>
    public TimeSpan ReplyIntervalFor(SmsTrigger trigger) => trigger switch
    {
        SmsTrigger.Help => HelpReplyInterval,
        SmsTrigger.Clarification => ClarificationReplyInterval,
        _ => TimeSpan.Zero,
    };

    public int PriorityOf(SmsTrigger trigger) => Priorities.TryGetValue(trigger, out var priority) ? priority : 0;

    /// <summary>The texts for the keyword replies; null for other triggers.</summary>
    public string? ReplyTextFor(SmsTrigger trigger) => trigger switch
    {
        SmsTrigger.Help => HelpText,
        SmsTrigger.OptOutConfirmation => OptOutConfirmationText,
        SmsTrigger.OptInConfirmation => OptInConfirmationText,
        SmsTrigger.Clarification => ClarificationText,
        _ => null,
    };

    /// <summary>How long after its moment each trigger's message may still leave (<c>Sms:Policy:Freshness</c>).</summary>
    public SmsFreshness Freshness { get; set; } = new();

    /// <summary>What is wrong with this configuration (empty when it is usable), for a fail-fast start.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        problems.AddRange(Freshness.Validate());
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(DefaultTimeZone, out _))
        {
            problems.Add($"Sms:Policy:DefaultTimeZone '{DefaultTimeZone}' is not a time zone this machine knows.");
        }

        if (HelpReplyInterval < TimeSpan.Zero)
        {
            problems.Add($"Sms:Policy:HelpReplyInterval must not be negative, got {HelpReplyInterval:c}.");
        }

        if (ClarificationReplyInterval < TimeSpan.Zero)
        {
            problems.Add($"Sms:Policy:ClarificationReplyInterval must not be negative, got {ClarificationReplyInterval:c}.");
        }

        problems.AddRange(Keywords.Validate());

        if (Caps.MaxPerDay < 0 || Caps.MaxPerWeek < 0)
        {
            problems.Add("Sms:Policy:Caps must not be negative.");
        }

        foreach (var prefix in RegionOverrides.Keys.Where(string.IsNullOrWhiteSpace))
        {
            problems.Add($"Sms:Policy:RegionOverrides has an empty key '{prefix}'.");
        }

        if (string.IsNullOrWhiteSpace(HelpText) || string.IsNullOrWhiteSpace(OptOutConfirmationText) || string.IsNullOrWhiteSpace(OptInConfirmationText)
            || string.IsNullOrWhiteSpace(ClarificationText))
        {
            problems.Add("Sms:Policy reply texts (HelpText, OptOutConfirmationText, OptInConfirmationText, ClarificationText) must not be empty.");
        }

        return problems;
    }
}

/// <summary>
/// The local times at which marketing may be sent: from <see cref="AllowedFrom"/> (inclusive)
/// to <see cref="AllowedUntil"/> (exclusive). A window with From after Until crosses midnight
/// (22:00–06:00 allows the night); From equal to Until allows the whole day.
/// </summary>
public sealed class QuietHoursWindow
{
    public TimeOnly AllowedFrom { get; set; } = new(8, 0);

    public TimeOnly AllowedUntil { get; set; } = new(21, 0);

    public bool IsAllowed(TimeOnly localTime) =>
        AllowedFrom == AllowedUntil || localTime.IsBetween(AllowedFrom, AllowedUntil);
}

/// <summary>
/// Marketing caps, counted in the customer's calendar days: the day is the customer's
/// local date, the week is that day and the 6 before it.
/// </summary>
public sealed class SmsCaps
{
    public int MaxPerDay { get; set; } = 1;

    public int MaxPerWeek { get; set; } = 3;
}

using Engine.Domain.Customers;
using Engine.Domain.Events;

namespace Engine.Domain.Sms;

/// <summary>
/// A message the engine would like to send. <see cref="IsStale"/> is the caller's verdict at
/// decision time (the cart was bought or expired, the expiring points were spent), so a
/// deferred message is dropped if it went stale while it waited.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.SmsCandidate")]
public sealed record SmsCandidate(
    [property: Id(0)] string Id,
    [property: Id(1)] SmsTrigger Trigger,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset DueAt,
    [property: Id(4)] bool IsStale = false)
{
    /// <summary>Follows from the trigger (see <see cref="SmsTriggers.KindOf"/>).</summary>
    public SmsKind Kind => SmsTriggers.KindOf(Trigger);
}

/// <summary>A message that went out (handed to the gateway).</summary>
[GenerateSerializer, Immutable, Alias("engine.SentSms")]
public sealed record SentSms(
    [property: Id(0)] string Id,
    [property: Id(1)] SmsTrigger Trigger,
    [property: Id(2)] DateTimeOffset SentAt)
{
    public SmsKind Kind => SmsTriggers.KindOf(Trigger);
}

/// <summary>
/// How the customer can be reached, as the policy sees it. <see cref="Caps"/> are the
/// customer's own caps; null means <see cref="SmsPolicyOptions.Caps"/>.
/// </summary>
public sealed record CustomerContact(
    string? Phone,
    string? TimeZone,
    string? Locale,
    ConsentStatus Consent,
    SmsCaps? Caps = null)
{
    public static CustomerContact From(Profile profile, SmsCaps? caps = null) =>
        new(profile.Phone, profile.TimeZone, profile.Locale, profile.SmsConsent?.Status ?? ConsentStatus.Unknown, caps);

    public bool HasValidPhone => Phone is not null && ContactRules.IsE164(Phone);
}

/// <summary>
/// What the customer already got and what else is waiting. <see cref="Sent"/> may hold every
/// kind: only marketing messages count against the caps.
/// </summary>
public sealed record SmsHistory(IReadOnlyList<SentSms> Sent, IReadOnlyList<SmsCandidate> Pending)
{
    public static SmsHistory Empty { get; } = new([], []);
}

/// <summary>The fixed set of reasons a message is not sent; safe as a metrics label.</summary>
public static class SmsSuppressionReasons
{
    public const string NoConsent = "no-consent";
    public const string InvalidPhone = "invalid-phone";
    public const string OptedOut = "opted-out";
    public const string CappedDaily = "capped-daily";
    public const string CappedWeekly = "capped-weekly";
    public const string Stale = "stale";
    public const string LowerPriority = "lower-priority";

    /// <summary>A HELP reply within Sms:Policy:HelpReplyInterval of the last one.</summary>
    public const string ReplyLimited = "reply-limited";

    public static IReadOnlyList<string> All { get; } = [NoConsent, InvalidPhone, OptedOut, CappedDaily, CappedWeekly, Stale, LowerPriority, ReplyLimited];
}

/// <summary>Why a message waits.</summary>
public static class SmsDeferReasons
{
    /// <summary>Due now, but the customer's local time is outside the allowed window.</summary>
    public const string QuietHours = "quiet-hours";

    /// <summary>Its due time has not come yet.</summary>
    public const string NotDue = "not-due";

    public static IReadOnlyList<string> All { get; } = [QuietHours, NotDue];
}

public enum SmsOutcome
{
    Send = 0,
    Defer = 1,
    Suppress = 2,
}

/// <summary>
/// The policy's answer. Send: hand it to the gateway now (<see cref="At"/> is now). Defer:
/// keep it and decide again at <see cref="At"/>, which re-checks consent, staleness and caps.
/// Suppress: drop it and record <see cref="Reason"/>.
/// </summary>
public sealed record SmsDecision(SmsOutcome Outcome, DateTimeOffset? At, string? Reason)
{
    public static SmsDecision Send(DateTimeOffset at) => new(SmsOutcome.Send, at, null);

    public static SmsDecision Defer(DateTimeOffset until, string reason) => new(SmsOutcome.Defer, until, reason);

    public static SmsDecision Suppress(string reason) => new(SmsOutcome.Suppress, null, reason);

    public bool IsSend => Outcome == SmsOutcome.Send;
}

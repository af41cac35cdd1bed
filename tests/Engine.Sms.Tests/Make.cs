using Engine.Domain.Events;
using Engine.Domain.Sms;

namespace Engine.Sms.Tests;

/// <summary>Builders for the SMS tests: instants are written as local wall times of a zone.</summary>
internal static class Make
{
    public const string ValidPhone = "+33612345678";

    public static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    /// <summary>The instant a wall clock in <paramref name="zone"/> shows this time (must exist and be unambiguous).</summary>
    public static DateTimeOffset Local(string zone, int year, int month, int day, int hour, int minute = 0)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var wall = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        if (tz.IsInvalidTime(wall) || tz.IsAmbiguousTime(wall))
        {
            throw new ArgumentException($"{wall} in {zone} does not name one instant.");
        }

        return new DateTimeOffset(wall, tz.GetUtcOffset(wall));
    }

    public static CustomerContact Contact(ConsentStatus consent = ConsentStatus.OptedIn, string zone = "Europe/Paris", string? phone = ValidPhone, SmsCaps? caps = null) =>
        new(phone, zone, "fr-FR", consent, caps);

    public static SmsCandidate Candidate(SmsTrigger trigger, DateTimeOffset dueAt, string? id = null, bool stale = false, DateTimeOffset? createdAt = null) =>
        new(id ?? $"{trigger}-{dueAt:O}", trigger, createdAt ?? dueAt, dueAt, stale);

    public static SentSms Sent(SmsTrigger trigger, DateTimeOffset at) => new($"sent-{trigger}-{at:O}", trigger, at);

    public static SmsHistory History(IEnumerable<SentSms>? sent = null, IEnumerable<SmsCandidate>? pending = null) =>
        new((sent ?? []).ToList(), (pending ?? []).ToList());
}

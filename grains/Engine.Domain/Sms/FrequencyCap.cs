namespace Engine.Domain.Sms;

/// <summary>The cap's verdict; <see cref="Remaining"/> is how many more marketing messages fit today.</summary>
public sealed record FrequencyCapResult(bool IsAllowed, string? Reason, int Remaining)
{
    public static FrequencyCapResult Allowed(int remaining) => new(true, null, remaining);

    public static FrequencyCapResult Capped(string reason) => new(false, reason, 0);
}

/// <summary>
/// Counts a customer's sent marketing messages per calendar day of their own zone: "today"
/// is the local date of now, the week is today and the 6 days before. A message at 23:59 and
/// one at 00:01 local are on different days. Transactional messages neither count nor are capped.
/// </summary>
public sealed class FrequencyCap
{
    private readonly List<DateOnly> _sentDays;
    private readonly SmsZone _zone;
    private readonly SmsCaps _caps;

    public FrequencyCap(IEnumerable<SentSms> sent, SmsZone zone, SmsCaps caps)
    {
        _zone = zone;
        _caps = caps;
        _sentDays = sent.Where(s => s.Kind == SmsKind.Marketing).Select(s => zone.LocalDate(s.SentAt)).ToList();
    }

    public int SentOn(DateOnly day) => _sentDays.Count(d => d == day);

    public int SentInWeekEnding(DateOnly day) => _sentDays.Count(d => d <= day && d > day.AddDays(-7));

    public FrequencyCapResult Check(DateTimeOffset now, SmsTrigger trigger)
    {
        if (SmsTriggers.KindOf(trigger) == SmsKind.Transactional)
        {
            return FrequencyCapResult.Allowed(int.MaxValue);
        }

        var today = _zone.LocalDate(now);
        var leftToday = _caps.MaxPerDay - SentOn(today);
        if (leftToday <= 0)
        {
            return FrequencyCapResult.Capped(SmsSuppressionReasons.CappedDaily);
        }

        var leftThisWeek = _caps.MaxPerWeek - SentInWeekEnding(today);
        return leftThisWeek <= 0
            ? FrequencyCapResult.Capped(SmsSuppressionReasons.CappedWeekly)
            : FrequencyCapResult.Allowed(Math.Min(leftToday, leftThisWeek));
    }
}

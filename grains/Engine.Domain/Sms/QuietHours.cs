namespace Engine.Domain.Sms;

/// <summary>
/// When a marketing message may go out, on the customer's wall clock. Allowed-ness depends
/// on the local time of day only, so on a day with a DST change the window starts at the
/// same wall time with a different UTC offset.
/// </summary>
public static class QuietHours
{
    public static bool IsAllowed(DateTimeOffset at, string? timeZone, SmsPolicyOptions options)
    {
        var zone = SmsTimeZones.Resolve(timeZone, options);
        return options.WindowFor(zone.Id).IsAllowed(TimeOnly.FromDateTime(zone.ToLocal(at).DateTime));
    }

    /// <summary>
    /// <paramref name="dueAt"/> itself when it is allowed, else the instant the customer's
    /// window next opens. If that wall time does not exist (skipped by a spring-forward), the
    /// window opens when the clock lands after the gap; if it occurs twice (fall-back), the
    /// first occurrence not before <paramref name="dueAt"/>.
    /// </summary>
    public static DateTimeOffset NextAllowed(DateTimeOffset dueAt, string? timeZone, SmsPolicyOptions options)
    {
        var zone = SmsTimeZones.Resolve(timeZone, options);
        var window = options.WindowFor(zone.Id);
        var local = zone.ToLocal(dueAt).DateTime;
        var time = TimeOnly.FromDateTime(local);
        if (window.IsAllowed(time))
        {
            return dueAt;
        }

        // Outside the window: it opens at AllowedFrom today if that is still ahead, else tomorrow.
        var date = DateOnly.FromDateTime(local);
        var opensOn = time < window.AllowedFrom ? date : date.AddDays(1);
        return FirstInstantAtOrAfter(zone.Zone, opensOn.ToDateTime(window.AllowedFrom), dueAt);
    }

    private static DateTimeOffset FirstInstantAtOrAfter(TimeZoneInfo zone, DateTime wallTime, DateTimeOffset notBefore)
    {
        // A skipped wall time: the first minute that exists is where the gap ends.
        while (zone.IsInvalidTime(wallTime))
        {
            wallTime = wallTime.AddMinutes(1);
        }

        if (zone.IsAmbiguousTime(wallTime))
        {
            var instants = zone.GetAmbiguousTimeOffsets(wallTime)
                .Select(offset => new DateTimeOffset(wallTime, offset))
                .Order()
                .ToList();
            return instants.FirstOrDefault(i => i >= notBefore, instants[^1]);
        }

        return new DateTimeOffset(wallTime, zone.GetUtcOffset(wallTime));
    }
}

using Engine.Domain.Sms;

namespace Engine.Sms.Tests;

[Trait("Category", "Unit")]
public sealed class QuietHoursTests
{
    private static readonly SmsPolicyOptions Defaults = new();

    [Theory]
    // 12:00 in Paris (CEST) is inside 08:00–21:00: unchanged.
    [InlineData("Europe/Paris", "2026-07-01T10:00:00Z", "2026-07-01T10:00:00Z")]
    // 07:59:30 in Paris (CEST) waits until 08:00 the same day.
    [InlineData("Europe/Paris", "2026-07-01T05:59:30Z", "2026-07-01T06:00:00Z")]
    // 21:00 is already quiet (the end is exclusive): next morning 08:00 CEST.
    [InlineData("Europe/Paris", "2026-07-01T19:00:00Z", "2026-07-02T06:00:00Z")]
    // 20:59 is still allowed.
    [InlineData("Europe/Paris", "2026-07-01T18:59:00Z", "2026-07-01T18:59:00Z")]
    // 21:30 in Tokyo (UTC+9, no DST) → 08:00 JST the next day.
    [InlineData("Asia/Tokyo", "2026-01-15T12:30:00Z", "2026-01-15T23:00:00Z")]
    // 07:00 in Tokyo → 08:00 the same day.
    [InlineData("Asia/Tokyo", "2026-01-14T22:00:00Z", "2026-01-14T23:00:00Z")]
    // 21:00 AEDT (UTC+11) in Sydney's summer → 08:00 AEDT the next day.
    [InlineData("Australia/Sydney", "2026-01-10T10:00:00Z", "2026-01-10T21:00:00Z")]
    // 23:00 AEST (UTC+10) in Sydney's winter → 08:00 AEST.
    [InlineData("Australia/Sydney", "2026-07-10T13:00:00Z", "2026-07-10T22:00:00Z")]
    // Sydney leaves DST on 2026-04-05 at 03:00 AEDT: 22:00 AEDT on the 4th → 08:00 AEST (UTC+10) on the 5th.
    [InlineData("Australia/Sydney", "2026-04-04T11:00:00Z", "2026-04-04T22:00:00Z")]
    // 06:00 in New York (EST) → 08:00 EST.
    [InlineData("America/New_York", "2026-01-20T11:00:00Z", "2026-01-20T13:00:00Z")]
    public void Defers_to_the_next_allowed_minute_in_the_customers_zone(string zone, string dueAt, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected), QuietHours.NextAllowed(DateTimeOffset.Parse(dueAt), zone, Defaults));

    [Fact]
    public void Same_instant_is_quiet_in_one_zone_and_allowed_in_another()
    {
        var instant = Make.Utc(2026, 1, 15, 12);  // 13:00 Paris, 21:00 Tokyo, 07:00 New York, 23:00 Sydney

        Assert.True(QuietHours.IsAllowed(instant, "Europe/Paris", Defaults));
        Assert.False(QuietHours.IsAllowed(instant, "Asia/Tokyo", Defaults));
        Assert.False(QuietHours.IsAllowed(instant, "America/New_York", Defaults));
        Assert.False(QuietHours.IsAllowed(instant, "Australia/Sydney", Defaults));
    }

    [Fact]
    public void US_spring_forward_day_opens_at_8_with_the_new_offset()
    {
        // 2026-03-08 02:00 EST jumps to 03:00 EDT. A message due at 01:30 EST waits for 08:00 EDT
        // (12:00Z), not 08:00 at the old offset (13:00Z, which would be 09:00 EDT).
        var dueAt = Make.Local("America/New_York", 2026, 3, 8, 1, 30);

        Assert.Equal(TimeSpan.FromHours(-5), dueAt.Offset);
        Assert.Equal(Make.Utc(2026, 3, 8, 12), QuietHours.NextAllowed(dueAt, "America/New_York", Defaults));
    }

    [Fact]
    public void US_evening_before_spring_forward_opens_at_8_EDT_next_morning()
    {
        var dueAt = Make.Local("America/New_York", 2026, 3, 7, 22);

        Assert.Equal(Make.Utc(2026, 3, 8, 12), QuietHours.NextAllowed(dueAt, "America/New_York", Defaults));
    }

    [Fact]
    public void EU_fall_back_day_opens_at_8_with_the_new_offset()
    {
        // 2026-10-25 03:00 CEST falls back to 02:00 CET. Due 22:30 CEST the evening before: opens
        // 08:00 CET (07:00Z), not 08:00 at the old offset (06:00Z, which would be 07:00 CET).
        var dueAt = Make.Local("Europe/Paris", 2026, 10, 24, 22, 30);

        Assert.Equal(TimeSpan.FromHours(2), dueAt.Offset);
        Assert.Equal(Make.Utc(2026, 10, 25, 7), QuietHours.NextAllowed(dueAt, "Europe/Paris", Defaults));
    }

    [Fact]
    public void Window_opening_inside_a_spring_forward_gap_opens_when_the_gap_ends()
    {
        // 02:30 does not exist in New York on 2026-03-08: the clock lands on 03:00 EDT (07:00Z).
        var options = WithWindow(new TimeOnly(2, 30), new TimeOnly(21, 0));
        var dueAt = Make.Local("America/New_York", 2026, 3, 8, 1);

        Assert.Equal(Make.Utc(2026, 3, 8, 7), QuietHours.NextAllowed(dueAt, "America/New_York", options));
    }

    [Fact]
    public void Window_opening_inside_a_fall_back_overlap_follows_the_wall_clock()
    {
        // 02:00–02:59 happens twice in Paris on 2026-10-25 (CEST, then CET). The window opens at
        // 02:30 each time the wall clock shows 02:30 after showing an earlier time.
        var options = WithWindow(new TimeOnly(2, 30), new TimeOnly(21, 0));

        // 02:10 CEST (00:10Z) → 02:30 CEST (00:30Z).
        Assert.Equal(Make.Utc(2026, 10, 25, 0, 30), QuietHours.NextAllowed(Make.Utc(2026, 10, 25, 0, 10), "Europe/Paris", options));
        // 02:45 CEST (00:45Z) is allowed.
        Assert.Equal(Make.Utc(2026, 10, 25, 0, 45), QuietHours.NextAllowed(Make.Utc(2026, 10, 25, 0, 45), "Europe/Paris", options));
        // 02:10 CET (01:10Z), the second pass: the first 02:30 is gone, so 02:30 CET (01:30Z).
        Assert.Equal(Make.Utc(2026, 10, 25, 1, 30), QuietHours.NextAllowed(Make.Utc(2026, 10, 25, 1, 10), "Europe/Paris", options));
    }

    [Theory]
    [InlineData(12, 0, 22, 0)]   // midday → 22:00 the same day
    [InlineData(23, 0, 23, 0)]   // allowed
    [InlineData(5, 59, 5, 59)]   // allowed, before the end at 06:00
    [InlineData(6, 0, 22, 0)]    // the end is exclusive
    public void Window_may_cross_midnight(int hour, int minute, int expectedHour, int expectedMinute)
    {
        var options = WithWindow(new TimeOnly(22, 0), new TimeOnly(6, 0));
        var dueAt = Make.Local("Asia/Tokyo", 2026, 2, 2, hour, minute);

        Assert.Equal(Make.Local("Asia/Tokyo", 2026, 2, 2, expectedHour, expectedMinute), QuietHours.NextAllowed(dueAt, "Asia/Tokyo", options));
    }

    [Fact]
    public void Equal_bounds_allow_the_whole_day()
    {
        var options = WithWindow(new TimeOnly(0, 0), new TimeOnly(0, 0));
        var dueAt = Make.Local("Europe/Paris", 2026, 2, 2, 3);

        Assert.Equal(dueAt, QuietHours.NextAllowed(dueAt, "Europe/Paris", options));
    }

    [Fact]
    public void Longest_matching_region_override_wins()
    {
        var options = new SmsPolicyOptions
        {
            RegionOverrides = new()
            {
                ["Europe/"] = new QuietHoursWindow { AllowedFrom = new TimeOnly(9, 0), AllowedUntil = new TimeOnly(20, 0) },
                ["europe/paris"] = new QuietHoursWindow { AllowedFrom = new TimeOnly(10, 0), AllowedUntil = new TimeOnly(19, 0) },
            },
        };

        // Paris: "Europe/Paris" (10:00–19:00) beats "Europe/".
        Assert.Equal(Make.Local("Europe/Paris", 2026, 2, 2, 10), QuietHours.NextAllowed(Make.Local("Europe/Paris", 2026, 2, 2, 9, 30), "Europe/Paris", options));
        // Berlin: "Europe/" (09:00–20:00).
        Assert.Equal(Make.Local("Europe/Berlin", 2026, 2, 2, 9, 30), QuietHours.NextAllowed(Make.Local("Europe/Berlin", 2026, 2, 2, 9, 30), "Europe/Berlin", options));
        Assert.Equal(Make.Local("Europe/Berlin", 2026, 2, 3, 9), QuietHours.NextAllowed(Make.Local("Europe/Berlin", 2026, 2, 2, 20), "Europe/Berlin", options));
        // Tokyo: no override, the default 08:00–21:00.
        Assert.Equal(Make.Local("Asia/Tokyo", 2026, 2, 3, 8), QuietHours.NextAllowed(Make.Local("Asia/Tokyo", 2026, 2, 2, 21), "Asia/Tokyo", options));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Mars/Olympus_Mons")]
    public void Customers_without_a_known_zone_use_the_default_zone(string? zone)
    {
        var options = new SmsPolicyOptions { DefaultTimeZone = "America/New_York" };

        // 07:00 EST → 08:00 EST.
        Assert.Equal(Make.Utc(2026, 1, 20, 13), QuietHours.NextAllowed(Make.Utc(2026, 1, 20, 12), zone, options));
        // With the built-in default (UTC): 12:00Z is allowed.
        Assert.Equal(Make.Utc(2026, 1, 20, 12), QuietHours.NextAllowed(Make.Utc(2026, 1, 20, 12), zone, Defaults));
    }

    [Fact]
    public void Next_allowed_is_never_earlier_than_due_and_always_allowed()
    {
        foreach (var zone in new[] { "America/New_York", "Europe/Paris", "Asia/Tokyo", "Australia/Sydney", "Pacific/Chatham", "Australia/Lord_Howe" })
        {
            for (var minutes = 0; minutes < 60 * 24 * 400; minutes += 97)
            {
                var dueAt = Make.Utc(2026, 1, 1, 0).AddMinutes(minutes);
                var next = QuietHours.NextAllowed(dueAt, zone, Defaults);

                Assert.True(next >= dueAt, $"{zone} {dueAt:O} → {next:O}");
                Assert.True(next - dueAt < TimeSpan.FromHours(13), $"{zone} {dueAt:O} → {next:O}");
                Assert.True(QuietHours.IsAllowed(next, zone, Defaults), $"{zone} {dueAt:O} → {next:O}");
            }
        }
    }

    private static SmsPolicyOptions WithWindow(TimeOnly from, TimeOnly until) =>
        new() { QuietHours = new QuietHoursWindow { AllowedFrom = from, AllowedUntil = until } };
}

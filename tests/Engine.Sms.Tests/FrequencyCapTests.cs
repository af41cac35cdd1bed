using Engine.Domain.Sms;

namespace Engine.Sms.Tests;

[Trait("Category", "Unit")]
public sealed class FrequencyCapTests
{
    private static readonly SmsPolicyOptions Options = new();

    private static FrequencyCap Cap(string zone, SmsCaps? caps = null, params SentSms[] sent) =>
        new(sent, SmsTimeZones.Resolve(zone, Options), caps ?? Options.Caps);

    [Fact]
    public void One_per_day_by_default()
    {
        var cap = Cap("Europe/Paris", null, Make.Sent(SmsTrigger.CartAbandoned, Make.Local("Europe/Paris", 2026, 3, 10, 9)));

        var result = cap.Check(Make.Local("Europe/Paris", 2026, 3, 10, 18), SmsTrigger.PointsExpiring);

        Assert.Equal(FrequencyCapResult.Capped(SmsSuppressionReasons.CappedDaily), result);
    }

    [Fact]
    public void Messages_at_2359_and_0001_local_are_on_different_days()
    {
        // 23:59 CET on the 10th is 22:59Z; 00:01 CET on the 11th is 23:01Z, still the 10th in UTC.
        var cap = Cap("Europe/Paris", null, Make.Sent(SmsTrigger.CartAbandoned, Make.Local("Europe/Paris", 2026, 3, 10, 23, 59)));

        Assert.True(cap.Check(Make.Local("Europe/Paris", 2026, 3, 11, 0, 1), SmsTrigger.CartAbandoned).IsAllowed);
        Assert.False(cap.Check(Make.Local("Europe/Paris", 2026, 3, 10, 23, 59).AddSeconds(30), SmsTrigger.CartAbandoned).IsAllowed);
    }

    [Fact]
    public void The_day_is_the_customers_not_UTCs()
    {
        // 10:00 EDT is 14:00Z on the 10th; 20:30 EDT is 00:30Z on the 11th: different UTC days,
        // the same New York day.
        var cap = Cap("America/New_York", null, Make.Sent(SmsTrigger.TierUpgrade, Make.Local("America/New_York", 2026, 3, 10, 10)));

        var result = cap.Check(Make.Local("America/New_York", 2026, 3, 10, 20, 30), SmsTrigger.CartAbandoned);

        Assert.Equal(SmsSuppressionReasons.CappedDaily, result.Reason);
    }

    [Fact]
    public void Same_instants_fall_on_different_days_in_Tokyo()
    {
        // 14:00Z is 23:00 JST on the 10th; 15:30Z is 00:30 JST on the 11th.
        var cap = Cap("Asia/Tokyo", null, Make.Sent(SmsTrigger.TierUpgrade, Make.Utc(2026, 3, 10, 14)));

        Assert.True(cap.Check(Make.Utc(2026, 3, 10, 15, 30), SmsTrigger.CartAbandoned).IsAllowed);
    }

    [Fact]
    public void Three_per_week_counts_today_and_the_six_days_before()
    {
        const string zone = "Australia/Sydney";
        var sent = new[]
        {
            Make.Sent(SmsTrigger.CartAbandoned, Make.Local(zone, 2026, 6, 4, 0, 1)),    // D-6, just after midnight
            Make.Sent(SmsTrigger.CartAbandoned, Make.Local(zone, 2026, 6, 6, 12)),      // D-4
            Make.Sent(SmsTrigger.TierUpgrade, Make.Local(zone, 2026, 6, 8, 20)),        // D-2
        };
        var cap = Cap(zone, null, sent);

        Assert.Equal(SmsSuppressionReasons.CappedWeekly, cap.Check(Make.Local(zone, 2026, 6, 10, 9), SmsTrigger.PointsExpiring).Reason);
        // The next day, the D-6 message has left the window.
        Assert.True(cap.Check(Make.Local(zone, 2026, 6, 11, 0, 1), SmsTrigger.PointsExpiring).IsAllowed);
    }

    [Fact]
    public void A_message_at_2359_seven_days_ago_is_outside_the_week()
    {
        const string zone = "Europe/Paris";
        var cap = Cap(
            zone,
            null,
            Make.Sent(SmsTrigger.CartAbandoned, Make.Local(zone, 2026, 6, 3, 23, 59)),   // D-7
            Make.Sent(SmsTrigger.CartAbandoned, Make.Local(zone, 2026, 6, 5, 10)),
            Make.Sent(SmsTrigger.CartAbandoned, Make.Local(zone, 2026, 6, 7, 10)));

        var result = cap.Check(Make.Local(zone, 2026, 6, 10, 0, 1), SmsTrigger.CartAbandoned);

        Assert.Equal(FrequencyCapResult.Allowed(1), result);
    }

    [Fact]
    public void Transactional_messages_neither_count_nor_are_capped()
    {
        const string zone = "Europe/Paris";
        var today = Make.Local(zone, 2026, 6, 10, 9);
        var cap = Cap(
            zone,
            null,
            Make.Sent(SmsTrigger.Help, today),
            Make.Sent(SmsTrigger.OptInConfirmation, today),
            Make.Sent(SmsTrigger.Test, today));

        Assert.True(cap.Check(today.AddHours(1), SmsTrigger.CartAbandoned).IsAllowed);

        var full = Cap(zone, null, Make.Sent(SmsTrigger.CartAbandoned, today));
        Assert.True(full.Check(today.AddHours(1), SmsTrigger.OptOutConfirmation).IsAllowed);
    }

    [Fact]
    public void Customers_own_caps_replace_the_defaults()
    {
        const string zone = "Europe/Paris";
        var today = Make.Local(zone, 2026, 6, 10, 9);
        var caps = new SmsCaps { MaxPerDay = 2, MaxPerWeek = 5 };
        var cap = Cap(zone, caps, Make.Sent(SmsTrigger.CartAbandoned, today));

        Assert.Equal(FrequencyCapResult.Allowed(1), cap.Check(today.AddHours(1), SmsTrigger.CartAbandoned));
        Assert.False(Cap(zone, new SmsCaps { MaxPerDay = 0 }).Check(today, SmsTrigger.CartAbandoned).IsAllowed);
    }
}

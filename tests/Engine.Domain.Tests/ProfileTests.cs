using Engine.Domain.Customers;
using Engine.Domain.Events;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class ProfileTests
{
    private static readonly DateTimeOffset T0 = Make.T0;

    private static Profile ProfileOf(params CustomerProfileEvent[] updates)
    {
        var profile = new Profile();
        foreach (var update in updates)
        {
            profile.Apply(update);
        }

        return profile;
    }

    [Fact]
    public void First_update_sets_every_field_it_carries()
    {
        var consent = new SmsConsent(ConsentStatus.OptedIn, "web-form", T0);
        var profile = ProfileOf(Make.Profile(T0) with
        {
            FirstName = "Camille",
            Phone = "+14155550123",
            TimeZone = "Europe/Paris",
            Locale = "fr-FR",
            Birthday = new DateOnly(1991, 4, 17),
            SmsConsent = consent,
        });

        Assert.Equal("Camille", profile.FirstName);
        Assert.Equal("+14155550123", profile.Phone);
        Assert.Equal("Europe/Paris", profile.TimeZone);
        Assert.Equal("fr-FR", profile.Locale);
        Assert.Equal(new DateOnly(1991, 4, 17), profile.Birthday);
        Assert.Equal(consent, profile.SmsConsent);
        Assert.Equal(T0, profile.UpdatedAt);
    }

    [Fact]
    public void Partial_update_keeps_the_fields_it_does_not_carry()
    {
        var consent = new SmsConsent(ConsentStatus.OptedIn, "web-form", T0);
        var profile = ProfileOf(
            Make.Profile(T0) with { FirstName = "Camille", Phone = "+14155550123", TimeZone = "Europe/Paris", Birthday = new DateOnly(1991, 4, 17), SmsConsent = consent },
            Make.Profile(T0.AddDays(1)) with { Locale = "fr-FR" },
            Make.Profile(T0.AddDays(2)) with { Phone = "+33612345678" });

        Assert.Equal("Camille", profile.FirstName);
        Assert.Equal("+33612345678", profile.Phone);
        Assert.Equal("Europe/Paris", profile.TimeZone);
        Assert.Equal("fr-FR", profile.Locale);
        Assert.Equal(new DateOnly(1991, 4, 17), profile.Birthday);
        Assert.Equal(consent, profile.SmsConsent);
        Assert.Equal(T0.AddDays(2), profile.UpdatedAt);
    }

    [Fact]
    public void Older_update_arriving_late_does_not_overwrite_newer_fields_but_fills_empty_ones()
    {
        var profile = ProfileOf(
            Make.Profile(T0.AddDays(5)) with { FirstName = "Camille", Phone = "+33612345678" },
            Make.Profile(T0) with { FirstName = "Cam", Phone = "+14155550123", TimeZone = "Europe/Paris", Birthday = new DateOnly(1991, 4, 17) });

        Assert.Equal("Camille", profile.FirstName);
        Assert.Equal("+33612345678", profile.Phone);
        Assert.Equal("Europe/Paris", profile.TimeZone);
        Assert.Equal(new DateOnly(1991, 4, 17), profile.Birthday);
        Assert.Equal(T0.AddDays(5), profile.UpdatedAt);
    }

    [Fact]
    public void Older_birthday_arriving_late_does_not_overwrite_a_newer_one()
    {
        var profile = ProfileOf(
            Make.Profile(T0.AddDays(1)) with { Birthday = new DateOnly(1991, 4, 17) },
            Make.Profile(T0) with { Birthday = new DateOnly(1991, 7, 4) });

        Assert.Equal(new DateOnly(1991, 4, 17), profile.Birthday);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Newest_consent_decision_wins_whatever_the_arrival_order(bool newestArrivesFirst)
    {
        var optedIn = Make.Profile(T0) with { SmsConsent = new SmsConsent(ConsentStatus.OptedIn, "web-form", T0) };
        var optedOut = Make.Profile(T0.AddDays(1)) with { SmsConsent = new SmsConsent(ConsentStatus.OptedOut, "sms-keyword", T0.AddDays(1)) };

        var profile = newestArrivesFirst ? ProfileOf(optedOut, optedIn) : ProfileOf(optedIn, optedOut);

        Assert.Equal(ConsentStatus.OptedOut, profile.SmsConsent?.Status);
        Assert.Equal("sms-keyword", profile.SmsConsent?.Source);
        Assert.Equal(T0.AddDays(1), profile.SmsConsent?.At);
    }

    [Fact]
    public void Consent_is_decided_by_its_own_time_not_the_update_time()
    {
        // A newer profile update can carry an older decision (e.g. a CRM re-sync): the decision time wins.
        var profile = ProfileOf(
            Make.Profile(T0) with { SmsConsent = new SmsConsent(ConsentStatus.OptedOut, "sms-keyword", T0) },
            Make.Profile(T0.AddDays(3)) with { SmsConsent = new SmsConsent(ConsentStatus.OptedIn, "crm-sync", T0.AddDays(-10)) });

        Assert.Equal(ConsentStatus.OptedOut, profile.SmsConsent?.Status);
    }

    [Fact]
    public void Update_without_consent_keeps_the_consent()
    {
        var consent = new SmsConsent(ConsentStatus.OptedIn, "checkout", T0);
        var profile = ProfileOf(Make.Profile(T0) with { SmsConsent = consent }, Make.Profile(T0.AddDays(1)) with { FirstName = "Jordan" });

        Assert.Equal(consent, profile.SmsConsent);
    }
}

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
    public void FirstUpdateSetsEveryFieldItCarries()
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
    public void PartialUpdateKeepsTheFieldsItDoesNotCarry()
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
    public void OlderUpdateArrivingLateDoesNotOverwriteNewerFieldsButFillsEmptyOnes()
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
    public void OlderBirthdayArrivingLateDoesNotOverwriteANewerOne()
    {
        var profile = ProfileOf(
            Make.Profile(T0.AddDays(1)) with { Birthday = new DateOnly(1991, 4, 17) },
            Make.Profile(T0) with { Birthday = new DateOnly(1991, 7, 4) });

        Assert.Equal(new DateOnly(1991, 4, 17), profile.Birthday);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NewestConsentDecisionWinsWhateverTheArrivalOrder(bool newestArrivesFirst)
    {
        var optedIn = Make.Profile(T0) with { SmsConsent = new SmsConsent(ConsentStatus.OptedIn, "web-form", T0) };
        var optedOut = Make.Profile(T0.AddDays(1)) with { SmsConsent = new SmsConsent(ConsentStatus.OptedOut, "sms-keyword", T0.AddDays(1)) };

        var profile = newestArrivesFirst ? ProfileOf(optedOut, optedIn) : ProfileOf(optedIn, optedOut);

        Assert.Equal(ConsentStatus.OptedOut, profile.SmsConsent?.Status);
        Assert.Equal("sms-keyword", profile.SmsConsent?.Source);
        Assert.Equal(T0.AddDays(1), profile.SmsConsent?.At);
    }

    [Fact]
    public void ConsentIsDecidedByItsOwnTimeNotTheUpdateTime()
    {
        // A newer profile update can carry an older decision (e.g. a CRM re-sync): the decision time wins.
        var profile = ProfileOf(
            Make.Profile(T0) with { SmsConsent = new SmsConsent(ConsentStatus.OptedOut, "sms-keyword", T0) },
            Make.Profile(T0.AddDays(3)) with { SmsConsent = new SmsConsent(ConsentStatus.OptedIn, "crm-sync", T0.AddDays(-10)) });

        Assert.Equal(ConsentStatus.OptedOut, profile.SmsConsent?.Status);
    }

    [Fact]
    public void UpdateWithoutConsentKeepsTheConsent()
    {
        var consent = new SmsConsent(ConsentStatus.OptedIn, "checkout", T0);
        var profile = ProfileOf(Make.Profile(T0) with { SmsConsent = consent }, Make.Profile(T0.AddDays(1)) with { FirstName = "Jordan" });

        Assert.Equal(consent, profile.SmsConsent);
    }
}

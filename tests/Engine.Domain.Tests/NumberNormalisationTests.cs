using Engine.Domain.Sms;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class NumberNormalisationTests
{
    [Theory]
    [InlineData("+33612345678", "FR", "+33612345678")]
    [InlineData("06 12 34 56 78", "FR", "+33612345678")]
    [InlineData("06-12-34-56-78", "FR", "+33612345678")]
    [InlineData("0612345678", "fr", "+33612345678")]
    [InlineData("0033612345678", "FR", "+33612345678")]
    [InlineData("+33 6 12 34 56 78", "", "+33612345678")]
    [InlineData("+1 (415) 555-0123", null, "+14155550123")]
    [InlineData("(415) 555-0123", "US", "+14155550123")]
    [InlineData("4155550123", "US", "+14155550123")]
    [InlineData("+1-415-555-0123", "FR", "+14155550123")]
    public void A_number_in_any_usual_writing_becomes_its_E164_form(string written, string? region, string expected)
    {
        Assert.True(NumberNormalisation.TryToE164(written, region, out var e164));
        Assert.Equal(expected, e164);
    }

    [Theory]
    [InlineData("0612345678", null)] // national, and no default region to read it with
    [InlineData("0612345678", "")]
    [InlineData("", "FR")]
    [InlineData("   ", "FR")]
    [InlineData(null, "FR")]
    [InlineData("hello", "FR")]
    [InlineData("SHOPNAME", "FR")] // an alphanumeric sender
    [InlineData("+1234567", "FR")] // too short for its country
    [InlineData("061234", "FR")]
    [InlineData("+04155550123", "FR")] // no country code starts with 0
    [InlineData("+1234567890123456", "FR")] // 16 digits
    public void What_cannot_be_a_phone_number_is_refused(string? written, string? region)
    {
        Assert.False(NumberNormalisation.TryToE164(written, region, out var e164));
        Assert.Null(e164);
    }

    [Theory]
    [InlineData("FR", true)]
    [InlineData("us", true)]
    [InlineData("XX", false)]
    [InlineData("France", false)]
    public void Only_regions_libphonenumber_knows_can_be_the_default(string region, bool known)
    {
        Assert.Equal(known, NumberNormalisation.IsKnownRegion(region));
    }
}

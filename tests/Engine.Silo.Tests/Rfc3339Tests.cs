using System.Text;
using Engine.Silo.Ingestion.Parsing;

namespace Engine.Silo.Tests;

[Trait("Category", "Unit")]
public sealed class Rfc3339Tests
{
    [Theory]
    [InlineData("2026-03-14T09:30:00Z", "2026-03-14T09:30:00.0000000+00:00")]
    [InlineData("2026-03-14T09:30:00z", "2026-03-14T09:30:00.0000000+00:00")]
    [InlineData("2026-03-14T10:30:00.125+01:00", "2026-03-14T10:30:00.1250000+01:00")]
    [InlineData("2026-03-14T10:30:00.1234567-05:30", "2026-03-14T10:30:00.1234567-05:30")]
    [InlineData("2024-02-29T23:59:59+14:00", "2024-02-29T23:59:59.0000000+14:00")]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000+00:00")]
    [InlineData("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999+00:00")]
    public void Reads_the_instant_and_keeps_the_offset(string text, string expected)
    {
        Assert.True(Rfc3339.TryParse(Encoding.UTF8.GetBytes(text), out var at));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), at);
        Assert.Equal(expected, at.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2026-03-14T09:30:00", "no offset")]
    [InlineData("2026-03-14 09:30:00Z", "space instead of T")]
    [InlineData("2026-03-14t09:30:00Z", "lower-case t")]
    [InlineData("2026-3-14T09:30:00Z", "one-digit month")]
    [InlineData("2026-02-29T09:30:00Z", "29 February of a common year")]
    [InlineData("2026-04-31T09:30:00Z", "31 April")]
    [InlineData("2026-13-01T09:30:00Z", "month 13")]
    [InlineData("2026-00-10T09:30:00Z", "month 0")]
    [InlineData("2026-01-00T09:30:00Z", "day 0")]
    [InlineData("0000-01-01T09:30:00Z", "year 0")]
    [InlineData("2026-03-14T24:00:00Z", "hour 24")]
    [InlineData("2026-03-14T09:60:00Z", "minute 60")]
    [InlineData("2026-12-31T23:59:60Z", "leap second")]
    [InlineData("2026-03-14T09:30:00.Z", "empty fraction")]
    [InlineData("2026-03-14T09:30:00.12345678Z", "eight fraction digits")]
    [InlineData("2026-03-14T09:30:00+14:01", "offset beyond 14 hours")]
    [InlineData("2026-03-14T09:30:00+05:60", "offset minutes 60")]
    [InlineData("2026-03-14T09:30:00+0100", "offset without colon")]
    [InlineData("2026-03-14T09:30:00+01", "offset without minutes")]
    [InlineData("2026-03-14T09:30:00ZZ", "text after the offset")]
    [InlineData("0001-01-01T00:00:00+01:00", "before the first instant .NET holds")]
    [InlineData("9999-12-31T23:59:59-01:00", "after the last instant .NET holds")]
    [InlineData("２026-03-14T09:30:00Z", "a digit outside ASCII")]
    public void Refuses_what_is_not_an_instant_with_an_offset(string text, string why)
    {
        Assert.False(Rfc3339.TryParse(Encoding.UTF8.GetBytes(text), out _), why);
    }
}

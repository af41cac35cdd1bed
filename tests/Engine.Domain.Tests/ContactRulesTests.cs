using Engine.Domain.Customers;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class ContactRulesTests
{
    [Theory]
    [InlineData("+14155550123", true)]
    [InlineData("+33612345678", true)]
    [InlineData("+12345678", true)] // 8 digits: the shortest the contract allows
    [InlineData("+123456789012345", true)] // 15 digits: the longest E.164 allows
    [InlineData("14155550123", false)] // no plus
    [InlineData("+04155550123", false)] // country code starting with 0
    [InlineData("+1234567", false)] // 7 digits: too short
    [InlineData("+1", false)]
    [InlineData("+", false)]
    [InlineData("", false)]
    [InlineData("+1234567890123456", false)] // 16 digits: too long
    [InlineData("+1415555O123", false)] // letter O for a zero
    [InlineData("+1-415-555-0123", false)]
    [InlineData("+1 4155550123", false)]
    [InlineData("++14155550123", false)]
    [InlineData("+١٤١٥٥٥٥٠١٢٣", false)] // Arabic-Indic digits are not ASCII digits
    public void A_phone_is_valid_only_in_E164_form(string phone, bool valid)
    {
        Assert.Equal(valid, ContactRules.IsE164(phone));
    }

    [Theory]
    [InlineData("+14155550123")]
    [InlineData("+33612345678")]
    [InlineData("+123456789012345")]
    [InlineData("+12345678")]
    [InlineData("+12345")]
    [InlineData("+1234")]
    [InlineData("12")]
    public void Mask_reveals_at_most_the_last_two_digits(string phone)
    {
        var masked = ContactRules.Mask(phone);

        var revealed = new string(masked.Where(char.IsAsciiDigit).ToArray());
        Assert.True(revealed.Length <= 2, $"{masked} reveals {revealed.Length} digits");
        Assert.EndsWith(revealed, phone, StringComparison.Ordinal);
        Assert.DoesNotContain(phone, masked, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_keeps_the_last_two_digits_of_a_number()
    {
        Assert.EndsWith("23", ContactRules.Mask("+14155550123"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Mask_of_no_phone_is_empty(string? phone)
    {
        Assert.Equal("", ContactRules.Mask(phone));
    }

    [Theory]
    [InlineData("Europe/Paris", true)]
    [InlineData("America/New_York", true)]
    [InlineData("UTC", true)]
    [InlineData("Mars/Base", false)]
    [InlineData("Europe/Atlantis", false)]
    [InlineData("", false)]
    public void A_time_zone_is_known_only_if_the_machine_has_it(string timeZone, bool known)
    {
        Assert.Equal(known, ContactRules.IsKnownTimeZone(timeZone));
    }
}

using System.Diagnostics.CodeAnalysis;
using Engine.Domain.Customers;
using PhoneNumbers;

namespace Engine.Domain.Sms;

/// <summary>
/// Brings a phone number as people and gateways write it ("+33 6 12 34 56 78", "06-12-34-56-78",
/// "(415) 555-0123") to E.164 (libphonenumber), so a profile and an inbound sender name one
/// number the same way. National formats need a default region; without one only
/// international ones (with "+" or "00") are understood.
/// </summary>
public static class NumberNormalisation
{
    private static readonly PhoneNumberUtil Numbers = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// The number in E.164, or false when it cannot be one: not a number, an unknown country
    /// code, too short or long for its country, or a national format with no default region.
    /// "Possible" (the length fits the country), not "valid" (the block is allocated): a new
    /// numbering block must not lose a customer's STOP.
    /// </summary>
    public static bool TryToE164(string? text, string? defaultRegion, [NotNullWhen(true)] out string? e164)
    {
        e164 = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64)
        {
            return false;
        }

        var region = string.IsNullOrWhiteSpace(defaultRegion) ? "ZZ" : defaultRegion.Trim().ToUpperInvariant();
        PhoneNumber number;
        try
        {
            number = Numbers.Parse(text, region);
        }
        catch (NumberParseException)
        {
            return false;
        }

        if (Numbers.IsPossibleNumberWithReason(number) != PhoneNumberUtil.ValidationResult.IS_POSSIBLE)
        {
            return false;
        }

        var formatted = Numbers.Format(number, PhoneNumberFormat.E164);
        if (!ContactRules.IsE164(formatted))
        {
            return false;
        }

        e164 = formatted;
        return true;
    }

    /// <summary>
    /// The country (ISO 3166 two-letter code, e.g. "FR") of an international number, or null
    /// when it cannot be told. Only the code leaves here, never the number.
    /// </summary>
    public static string? CountryOf(string? e164)
    {
        if (string.IsNullOrWhiteSpace(e164) || e164.Length > 64)
        {
            return null;
        }

        try
        {
            var number = Numbers.Parse(e164, "ZZ");
            // A number in a block not (yet) allocated has no region of its own: the country code's main one.
            var region = Numbers.GetRegionCodeForNumber(number) ?? Numbers.GetRegionCodeForCountryCode(number.CountryCode);
            return region is null or "ZZ" or "001" ? null : region;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>Whether the region is one libphonenumber knows (a two-letter ISO 3166 code such as "FR").</summary>
    public static bool IsKnownRegion(string region) => Numbers.GetSupportedRegions().Contains(region.Trim().ToUpperInvariant());
}

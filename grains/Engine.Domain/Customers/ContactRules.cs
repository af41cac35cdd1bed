namespace Engine.Domain.Customers;

/// <summary>Checks on how a customer can be reached.</summary>
public static class ContactRules
{
    /// <summary>E.164: a plus sign, then 8 to 15 digits of which the first (the country code's) is not 0.</summary>
    public static bool IsE164(string phone)
    {
        if (phone.Length is < 9 or > 16 || phone[0] != '+' || phone[1] == '0')
        {
            return false;
        }

        for (var i = 1; i < phone.Length; i++)
        {
            if (!char.IsAsciiDigit(phone[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Shows only the last two digits, for logs and admin output.</summary>
    public static string Mask(string? phone) =>
        string.IsNullOrEmpty(phone) ? "" : phone.Length <= 4 ? "****" : string.Concat(new string('*', phone.Length - 2), phone.AsSpan(phone.Length - 2));

    /// <summary>True when the id names an IANA (or system) time zone this machine knows.</summary>
    public static bool IsKnownTimeZone(string timeZone) => TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _);
}

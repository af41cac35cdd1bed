using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Engine.Silo.Sms.Callbacks;

/// <summary>Reading gateway callback fields defensively: exactly one value, bounded length.</summary>
internal static class CallbackFields
{
    /// <summary>Longest id (outbox message id, customer id, gateway id) accepted from a callback.</summary>
    public const int MaxIdLength = 200;

    public static bool TryGet(IEnumerable<KeyValuePair<string, StringValues>> fields, string name, int maxLength, [NotNullWhen(true)] out string? value)
    {
        value = null;
        foreach (var (key, values) in fields)
        {
            if (!string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (values.Count != 1 || values[0] is not { } single || single.Length > maxLength)
            {
                return false;
            }

            value = single;
            return true;
        }

        return false;
    }

    /// <summary>A non-empty id without control characters.</summary>
    public static bool TryGetId(IEnumerable<KeyValuePair<string, StringValues>> fields, string name, [NotNullWhen(true)] out string? value) =>
        TryGet(fields, name, MaxIdLength, out value) && value.Trim().Length > 0 && !value.Any(char.IsControl);

    /// <summary>Seconds since the Unix epoch, as Kannel's %T gives them.</summary>
    public static bool TryParseUnixTime(string text, out DateTimeOffset at)
    {
        at = default;
        if (text.Length is 0 or > 12 || !text.All(char.IsAsciiDigit)
            || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        at = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }
}

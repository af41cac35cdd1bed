using System.Globalization;
using System.Text.Json;

namespace Engine.Client.Rendering;

/// <summary>How values read in the tables: invariant culture, UTC times, a dash for "none".</summary>
public static class DisplayFormat
{
    public const string None = "-";

    public static string Text(string? value) => string.IsNullOrEmpty(value) ? None : value;

    public static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Score(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Moment(DateTimeOffset? at) =>
        at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : None;

    /// <summary>To the minute and without the zone, for wide tables whose title says the times are UTC.</summary>
    public static string Minute(DateTimeOffset? at) =>
        at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : None;

    /// <summary>To the second and without the zone, for tables of retries and deliveries a few seconds apart.</summary>
    public static string Second(DateTimeOffset? at) =>
        at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : None;

    public static string Date(DateOnly? date) =>
        date is { } value ? value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : None;

    public static string YesNo(bool value) => value ? "yes" : "no";

    /// <summary>An enum value spelled as in the event contract ("opted_in"), as the JSON output does.</summary>
    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}

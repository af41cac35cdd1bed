using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engine.Client.Rendering;

/// <summary>The <c>--json</c> form of the reports (<see cref="CustomerReport"/>, <see cref="SmsLogReport"/>), for scripts and tests.</summary>
public static class ReportJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // The output goes to a terminal or a pipe, never into HTML: keep '+' and accented
        // names readable instead of \u-escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Enum values spelled as in the event contract ("opted_in").
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Serialize<T>(T report) => JsonSerializer.Serialize(report, Options);
}

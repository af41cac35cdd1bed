using System.Text.Json;
using Engine.Contracts;

namespace Engine.Client;

/// <summary>
/// Decides where a JSON line goes by reading only its <c>type</c> and <c>customerId</c>. The
/// rest of the event is the engine's business: the line is sent as it is.
/// </summary>
public static class EventRouting
{
    public static LineRoute Route(ReadOnlySpan<byte> line)
    {
        string? type = null;
        string? customerId = null;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return LineRoute.Unroutable("not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                var isCustomerId = reader.ValueTextEquals("customerId"u8);
                reader.Read();
                if (isType)
                {
                    type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (isCustomerId)
                {
                    customerId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }

            // Reading past the object's end throws if anything but whitespace follows it.
            reader.Read();
        }
        catch (JsonException e)
        {
            return LineRoute.Unroutable($"not valid JSON (at byte {e.BytePositionInLine + 1})");
        }

        var id = string.IsNullOrEmpty(customerId) ? null : customerId;
        if (!EventStreams.TryOf(type, out var stream))
        {
            return LineRoute.Unroutable(type is null ? "no \"type\"" : $"unknown type \"{type}\"", id);
        }

        // The key decides the partition, and so the order a customer's events are applied in.
        return id is null ? LineRoute.Unroutable("no \"customerId\"") : new LineRoute(stream, id, null);
    }
}

/// <summary>Where a line goes, or why it cannot be routed. The customer id is kept when readable.</summary>
public readonly record struct LineRoute(EventStream? Stream, string? CustomerId, string? Problem)
{
    public static LineRoute Unroutable(string problem, string? customerId = null) => new(null, customerId, problem);
}

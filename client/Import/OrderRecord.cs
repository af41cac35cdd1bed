using System.Buffers;
using System.Text.Json;

namespace Engine.Client.Import;

/// <summary>
/// One order of a shop's history, as read from the import file (docs/events.md, "Backfill"):
/// who, which order, when, how much. <see cref="ItemsJson"/> is the order lines as a JSON
/// array in the contract's shape, or null for none.
/// </summary>
public sealed record OrderRecord(string Customer, string Order, DateTimeOffset Time, decimal Amount, string Currency, string? ItemsJson)
{
    /// <summary>
    /// The event id: the same order of the same shop always gets the same one, so a re-run
    /// import (or a retried one) is recognised by the engine and applied once.
    /// </summary>
    public string EventId(string shop) => $"import:{shop}:{Order}";

    /// <summary>The order as a <c>purchase</c> event of contract v1.</summary>
    public byte[] ToPurchaseEvent(string shop)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "purchase");
            json.WriteString("eventId", EventId(shop));
            json.WriteString("customerId", Customer);
            json.WriteString("occurredAt", Time.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("orderId", Order);
            json.WriteNumber("amount", Amount);
            json.WriteString("currency", Currency);
            json.WritePropertyName("items");
            if (ItemsJson is { Length: > 0 } items)
            {
                json.WriteRawValue(items);
            }
            else
            {
                json.WriteStartArray();
                json.WriteEndArray();
            }

            json.WriteString("channel", "import");
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

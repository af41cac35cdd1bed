using System.Text;
using System.Text.Json;
using Engine.Domain.Processing;

namespace Engine.Silo.Ingestion.Parsing;

/// <summary>
/// One event's JSON read in a single forward pass with <see cref="Utf8JsonReader"/>: the whole
/// payload is checked for syntax first (as a document parse would), and the contract's fields
/// are remembered by position, to be read into .NET values only when the event's type asks.
/// No document tree, no per-field lookup by string: this is the ingestion's hottest code.
/// </summary>
internal ref struct EventPayload
{
    private readonly ReadOnlySpan<byte> _json;
    private FieldValues _fields;
    private FieldValues _consent;
    private List<ItemValues>? _items;

    private EventPayload(ReadOnlySpan<byte> json)
    {
        _json = json;
    }

    /// <summary>False when the payload is valid JSON but not an object.</summary>
    public bool IsObject { get; private set; }

    /// <summary>The payload read, or a <see cref="JsonException"/> when it is not one valid JSON value.</summary>
    public static EventPayload Read(ReadOnlySpan<byte> json)
    {
        var payload = new EventPayload(json);
        var reader = new Utf8JsonReader(json);
        if (!reader.Read())
        {
            throw new JsonException("the payload holds no JSON value", null, 0, 0);
        }

        if (reader.TokenType == JsonTokenType.StartObject)
        {
            payload.IsObject = true;
            payload.ReadEvent(ref reader);
        }
        else
        {
            reader.Skip();
        }

        // A second value after the first is a syntax error the reader throws for.
        while (reader.Read())
        {
        }

        return payload;
    }

    public readonly FieldValue this[EventField field] => _fields[(int)field];

    /// <summary>The fields of <c>smsConsent</c> when it is an object (the last one, if repeated).</summary>
    public readonly FieldValue Consent(EventField field) => _consent[(int)field];

    /// <summary>The entries of <c>items</c> when it is an array (the last one, if repeated).</summary>
    public readonly IReadOnlyList<ItemValues> Items => _items ?? [];

    public readonly string? OptionalString(FieldValue value, string name, int maxLength)
    {
        if (value.IsAbsent)
        {
            return null;
        }

        if (value.Kind != JsonTokenType.String)
        {
            throw EventRefusal.Invalid(name, "must be a string");
        }

        var text = Text(value);
        if (text.Length == 0)
        {
            throw EventRefusal.Missing(name);
        }

        return text.Length > maxLength ? throw EventRefusal.Invalid(name, $"is longer than {maxLength} characters") : text;
    }

    public readonly string RequiredString(FieldValue value, string name, int maxLength) =>
        OptionalString(value, name, maxLength) ?? throw EventRefusal.Missing(name);

    /// <summary>An RFC 3339 date-time with an offset, read from the bytes without making a string.</summary>
    public readonly DateTimeOffset RequiredTimestamp(FieldValue value, string name)
    {
        const int maxLength = 40;
        if (value.Kind == JsonTokenType.String && !value.Escaped && value.Length is > 0 and <= maxLength)
        {
            return Rfc3339.TryParse(_json.Slice(value.Start, value.Length), out var at)
                ? at
                : throw EventRefusal.Invalid(name, "must be an ISO 8601 date-time with an offset");
        }

        var text = RequiredString(value, name, maxLength);
        return Rfc3339.TryParse(Encoding.UTF8.GetBytes(text), out var parsed)
            ? parsed
            : throw EventRefusal.Invalid(name, "must be an ISO 8601 date-time with an offset");
    }

    public readonly decimal? OptionalAmount(FieldValue value, string name)
    {
        if (value.IsAbsent)
        {
            return null;
        }

        if (value.Kind != JsonTokenType.Number || !Number(value).TryGetDecimal(out var amount))
        {
            throw EventRefusal.Invalid(name, "must be a number");
        }

        return amount < 0 ? throw new InvalidEventException(RejectionReasons.NegativeAmount, $"{name} is negative") : amount;
    }

    public readonly decimal RequiredAmount(FieldValue value, string name) => OptionalAmount(value, name) ?? throw EventRefusal.Missing(name);

    public readonly int? OptionalPositiveInt(FieldValue value, string name)
    {
        if (value.IsAbsent)
        {
            return null;
        }

        if (value.Kind != JsonTokenType.Number || !Number(value).TryGetInt32(out var whole) || whole < 1)
        {
            throw EventRefusal.Invalid(name, "must be a whole number of at least 1");
        }

        return whole;
    }

    public readonly int RequiredPositiveInt(FieldValue value, string name) => OptionalPositiveInt(value, name) ?? throw EventRefusal.Missing(name);

    /// <summary>A whole number within ±<paramref name="limit"/>: 1e3 or 10.0 are numbers but not the integers the contract asks for.</summary>
    public readonly long RequiredWholeNumber(FieldValue value, string name, long limit)
    {
        if (value.IsAbsent)
        {
            throw EventRefusal.Missing(name);
        }

        if (value.Kind != JsonTokenType.Number || !Number(value).TryGetInt64(out var whole) || whole < -limit || whole > limit)
        {
            throw EventRefusal.Invalid(name, $"must be a whole number between -{limit} and {limit}");
        }

        return whole;
    }

    private readonly string Text(FieldValue value)
    {
        var raw = _json.Slice(value.Start, value.Length);
        if (!value.Escaped)
        {
            return Encoding.UTF8.GetString(raw);
        }

        // Rare: let the reader unescape the string, quotes included.
        var reader = new Utf8JsonReader(_json.Slice(value.Start - 1, value.Length + 2));
        reader.Read();
        return reader.GetString()!;
    }

    // A reader on one number token, so the conversions keep System.Text.Json's rules exactly.
    private readonly Utf8JsonReader Number(FieldValue number)
    {
        var reader = new Utf8JsonReader(_json.Slice(number.Start, number.Length));
        reader.Read();
        return reader;
    }

    private void ReadEvent(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = FieldOf(ref reader);
            reader.Read();
            switch (field)
            {
                case EventField.Items when reader.TokenType == JsonTokenType.StartArray:
                    _fields[(int)field] = FieldValue.At(ref reader);
                    _items = ReadItems(ref reader);
                    break;
                case EventField.Items:
                    _items = null;
                    Remember(ref reader, ref _fields, field);
                    break;
                case EventField.SmsConsent when reader.TokenType == JsonTokenType.StartObject:
                    _fields[(int)field] = FieldValue.At(ref reader);
                    _consent = default;
                    ReadFlatObject(ref reader, ref _consent);
                    break;
                default:
                    Remember(ref reader, ref _fields, field);
                    break;
            }
        }
    }

    private static List<ItemValues> ReadItems(ref Utf8JsonReader reader)
    {
        var items = new List<ItemValues>(4);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                items.Add(new ItemValues { IsObject = false });
                continue;
            }

            var fields = default(FieldValues);
            ReadFlatObject(ref reader, ref fields);
            items.Add(new ItemValues
            {
                IsObject = true,
                Sku = fields[(int)EventField.Sku],
                Name = fields[(int)EventField.Name],
                Quantity = fields[(int)EventField.Quantity],
                UnitPrice = fields[(int)EventField.UnitPrice],
            });
        }

        return items;
    }

    // An object whose known fields are all scalars: nested values are remembered by kind only.
    private static void ReadFlatObject(ref Utf8JsonReader reader, ref FieldValues fields)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = FieldOf(ref reader);
            reader.Read();
            Remember(ref reader, ref fields, field);
        }
    }

    private static void Remember(ref Utf8JsonReader reader, ref FieldValues fields, EventField field)
    {
        if (field != EventField.Unknown)
        {
            fields[(int)field] = FieldValue.At(ref reader);
        }

        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }
    }

    private static EventField FieldOf(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped
            ? EventFieldNames.Of(Encoding.UTF8.GetBytes(reader.GetString()!))
            : EventFieldNames.Of(reader.ValueSpan);
}

using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Engine.Silo.Ingestion.Parsing;

/// <summary>
/// Where one field's value sits in the payload and what kind of JSON value it is; read into a
/// .NET value only when the event's type asks for that field.
/// </summary>
/// <param name="Kind">The value's token; <see cref="JsonTokenType.None"/> when the field is absent.</param>
/// <param name="Start">Offset of the value's first byte (inside the quotes for a string).</param>
/// <param name="Length">Length in bytes (without the quotes for a string).</param>
/// <param name="Escaped">A string with escape sequences, which must be unescaped to be read.</param>
internal readonly record struct FieldValue(JsonTokenType Kind, int Start, int Length, bool Escaped)
{
    public bool IsAbsent => Kind is JsonTokenType.None or JsonTokenType.Null;

    public static FieldValue At(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => new(JsonTokenType.String, (int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, reader.ValueIsEscaped),
        JsonTokenType.Number => new(JsonTokenType.Number, (int)reader.TokenStartIndex, reader.ValueSpan.Length, false),
        var kind => new(kind, (int)reader.TokenStartIndex, 0, false),
    };
}

/// <summary>One object's fields, indexed by <see cref="EventField"/>; lives on the stack.</summary>
[InlineArray((int)EventField.Count)]
internal struct FieldValues
{
    private FieldValue _first;
}

/// <summary>One entry of a purchase's <c>items[]</c>.</summary>
internal struct ItemValues
{
    public bool IsObject;
    public FieldValue Sku;
    public FieldValue Name;
    public FieldValue Quantity;
    public FieldValue UnitPrice;
}

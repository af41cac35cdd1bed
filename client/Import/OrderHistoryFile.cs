using System.Globalization;
using System.Text.Json;
using CsvHelper;

namespace Engine.Client.Import;

/// <summary>
/// Reads a shop's order history: CSV with a header row, or JSON lines, with the columns (or
/// fields) <c>customer</c>, <c>order</c>, <c>time</c>, <c>amount</c>, <c>currency</c> and
/// optionally <c>items</c> (a JSON array of order lines). A line that cannot be read is
/// reported with its number and skipped; it never stops the others.
/// </summary>
public static class OrderHistoryFile
{
    /// <summary>Longest id the contract accepts, and the import's own prefix for event ids.</summary>
    private const int MaxIdLength = 128;

    public static OrderHistory Read(string path, string format, string shop)
    {
        if (format == "csv")
        {
            return ReadCsv(path, shop);
        }

        using var reader = new StreamReader(path);
        return ReadJsonLines(reader, shop);
    }

    /// <summary>"csv" or "jsonl", from the option or else the file's extension.</summary>
    public static string FormatOf(string path, string? format) =>
        format ?? (Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase) ? "csv" : "jsonl");

    private static OrderHistory ReadCsv(string path, string shop)
    {
        var history = new OrderHistory();
        using var csv = CsvReader.FromFile(path, new CsvReaderOptions { Separator = ',', TrimWhitespace = true, TrackLineNumbers = true });
        var indexes = new Dictionary<string, int>();
        var missing = new List<string>();
        foreach (var column in new[] { "customer", "order", "time", "amount", "currency", "items" })
        {
            if (csv.TryGetFieldIndex(column, out var index))
            {
                indexes[column] = index;
            }
            else if (column != "items")
            {
                missing.Add(column);
            }
        }

        if (missing.Count > 0)
        {
            history.Problem(1, "missing column(s): " + string.Join(", ", missing));
            return history;
        }

        string? Field(string column) => indexes.TryGetValue(column, out var i) && i < csv.FieldCount ? csv.GetStringOrNull(i) : null;
        while (csv.Read())
        {
            history.Add((int)csv.LineNumber, shop, Field("customer"), Field("order"), Field("time"), Field("amount"), Field("currency"), Field("items"));
        }

        return history;
    }

    private static OrderHistory ReadJsonLines(TextReader reader, string shop)
    {
        var history = new OrderHistory();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                history.Add(number, shop, Text(root, "customer"), Text(root, "order"), Text(root, "time"), Text(root, "amount"), Text(root, "currency"),
                    root.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array ? items.GetRawText() : null);
            }
            catch (JsonException)
            {
                history.Problem(number, "not valid JSON");
            }
        }

        return history;
    }

    private static string? Text(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ValueKind == JsonValueKind.Number ? value.GetRawText()
        : null;

    /// <summary>
    /// A date-time with an offset, or a date alone (<c>yyyy-MM-dd</c> or <c>yyyyMMdd</c>, taken
    /// as midnight UTC). A date-time without an offset is refused, as the contract refuses it.
    /// </summary>
    public static DateTimeOffset? ParseTime(string text)
    {
        if (DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return date;
        }

        var t = text.IndexOf('T', StringComparison.OrdinalIgnoreCase);
        var hasOffset = t > 0 && (text.EndsWith('Z') || text.EndsWith('z') || text.AsSpan(t).IndexOfAny('+', '-') > 0);
        return hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;
    }

    internal static string? IdProblem(string field, string? value, int room = MaxIdLength) =>
        string.IsNullOrWhiteSpace(value) ? $"{field} is empty"
        : value.Length > room ? $"{field} is longer than {room} characters"
        : null;
}

/// <summary>The orders read, oldest first, and the lines that could not be read.</summary>
public sealed class OrderHistory
{
    private readonly List<OrderRecord> _orders = [];

    public List<(int Line, string Problem)> Problems { get; } = [];

    /// <summary>
    /// Oldest first, then by event id: the order the engine's backfill mark expects per
    /// customer (docs/events.md, "Backfill").
    /// </summary>
    public IReadOnlyList<OrderRecord> Sorted(string shop)
    {
        _orders.Sort((a, b) =>
        {
            var byTime = a.Time.CompareTo(b.Time);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.EventId(shop), b.EventId(shop));
        });
        return _orders;
    }

    public void Problem(int line, string problem) => Problems.Add((line, problem));

    internal void Add(int line, string shop, string? customer, string? order, string? time, string? amount, string? currency, string? items)
    {
        var problem = OrderHistoryFile.IdProblem("customer", customer)
            ?? OrderHistoryFile.IdProblem("order", order, 128 - $"import:{shop}:".Length);
        if (problem is not null)
        {
            Problem(line, problem);
            return;
        }

        if (OrderHistoryFile.ParseTime(time ?? "") is not { } at)
        {
            Problem(line, "time is not a date (yyyy-MM-dd) or a date-time with an offset");
            return;
        }

        if (!decimal.TryParse(amount, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
        {
            Problem(line, "amount is not a number");
            return;
        }

        if (string.IsNullOrWhiteSpace(currency))
        {
            Problem(line, "currency is empty");
            return;
        }

        _orders.Add(new OrderRecord(customer!.Trim(), order!.Trim(), at, value, currency.Trim().ToUpperInvariant(), string.IsNullOrWhiteSpace(items) ? null : items));
    }
}

using System.Globalization;
using Engine.Domain.Value.Model;

namespace Engine.Client.Value;

/// <summary>Transaction logs <c>model fit</c> reads.</summary>
public static class TransactionLogs
{
    /// <summary>
    /// By extension: .csv and .jsonl are the order history <c>import</c> reads (amounts as given,
    /// so one currency per file; a line that does not read is an error here, since a fit on part
    /// of a file is silently wrong), anything else the CDNOW layout.
    /// </summary>
    public static IEnumerable<Transaction> Read(string path)
    {
        var extension = Path.GetExtension(path);
        if (!extension.Equals(".csv", StringComparison.OrdinalIgnoreCase) && !extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return ReadCdnow(path);
        }

        var history = Import.OrderHistoryFile.Read(path, Import.OrderHistoryFile.FormatOf(path, null), "fit");
        if (history.Problems.Count > 0)
        {
            var (line, problem) = history.Problems[0];
            throw new FormatException($"{Path.GetFileName(path)}: {history.Problems.Count} lines do not read, the first at line {line}: {problem}");
        }

        var orders = history.Sorted("fit");
        if (orders.Select(o => o.Currency).Distinct(StringComparer.OrdinalIgnoreCase).Skip(1).Any())
        {
            throw new FormatException($"{Path.GetFileName(path)} mixes currencies: fit one currency at a time (or convert first)");
        }

        return orders.Select(o => new Transaction(o.Customer, DateOnly.FromDateTime(o.Time.UtcDateTime), o.Amount));
    }

    /// <summary>
    /// The CDNOW layout (whitespace-separated: customer id, yyyymmdd, quantity, value; the
    /// sample's extra id column before the date is allowed). A header line is skipped; any other
    /// line that does not read is an error naming the line, so a wrong file is not half-fitted.
    /// </summary>
    public static IEnumerable<Transaction> ReadCdnow(string path)
    {
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || (number == 1 && !char.IsAsciiDigit(fields[0][0])))
            {
                continue;
            }

            var dateField = fields.Length >= 5 ? 2 : 1;
            if (fields.Length < 4
                || !DateOnly.TryParseExact(fields[dateField], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                || !decimal.TryParse(fields[^1], NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
            {
                throw new FormatException($"{Path.GetFileName(path)} line {number}: expected 'customer yyyymmdd quantity value'");
            }

            yield return new Transaction(fields[0], day, value);
        }
    }
}

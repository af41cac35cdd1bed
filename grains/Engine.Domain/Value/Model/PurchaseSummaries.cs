namespace Engine.Domain.Value.Model;

/// <summary>One purchase as a transaction log records it: who, on which day, for how much.</summary>
public readonly record struct Transaction(string CustomerId, DateOnly Day, decimal Value);

/// <summary>
/// Turns a transaction log into each customer's <see cref="PurchaseSummary"/> over a
/// calibration period, the way the BG/NBD and Gamma-Gamma papers do: a customer's
/// transactions on one day are one purchase (values summed); the first purchase starts the
/// customer's clock and is not a repeat; x counts the later purchase days up to the end of the
/// period, tₓ is the last of them and T the end, both in periods since the first purchase; the
/// mean repeat value averages the repeat days' values. Customers whose first purchase falls
/// after the period are left out.
/// </summary>
public static class PurchaseSummaries
{
    public static Dictionary<string, PurchaseSummary> From(IEnumerable<Transaction> transactions, DateOnly calibrationEnd, double periodDays)
    {
        if (periodDays <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(periodDays), periodDays, "a period must be longer than zero days");
        }

        var days = new Dictionary<string, SortedDictionary<DateOnly, decimal>>(StringComparer.Ordinal);
        foreach (var t in transactions)
        {
            if (t.Day > calibrationEnd)
            {
                continue;
            }

            if (!days.TryGetValue(t.CustomerId, out var byDay))
            {
                days[t.CustomerId] = byDay = [];
            }

            byDay[t.Day] = byDay.GetValueOrDefault(t.Day) + t.Value;
        }

        var summaries = new Dictionary<string, PurchaseSummary>(days.Count, StringComparer.Ordinal);
        foreach (var (customer, byDay) in days)
        {
            var first = byDay.Keys.First();
            var last = byDay.Keys.Last();
            var repeats = byDay.Count - 1;
            var repeatValue = repeats == 0 ? 0 : (double)(byDay.Values.Sum() - byDay[first]) / repeats;
            summaries[customer] = new PurchaseSummary(
                repeats,
                (last.DayNumber - first.DayNumber) / periodDays,
                (calibrationEnd.DayNumber - first.DayNumber) / periodDays,
                repeatValue);
        }

        return summaries;
    }
}

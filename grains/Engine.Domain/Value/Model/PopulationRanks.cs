namespace Engine.Domain.Value.Model;

/// <summary>
/// Where a customer stands in the population the model was fitted on: RFM quintile boundaries
/// (recency in days, purchase days, lifetime spend) and the predicted lifetime value's
/// percentiles (99 ascending cut points, the 1st to the 99th). Computed once at <c>model fit</c>
/// and published with the model, so every customer ranks itself in O(1) from memory.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.PopulationRanks")]
public sealed record PopulationRanks(
    [property: Id(0)] RfmBoundaries Rfm,
    [property: Id(1)] double[] ClvPercentiles)
{
    /// <summary>The CLV percentile, 0–99: how many of the population's percentile cut points the value is above.</summary>
    public int ClvPercentile(double clv)
    {
        // Strictly above, as the RFM buckets: a value shared by many customers ranks with the lowest of them.
        var above = 0;
        foreach (var cut in ClvPercentiles)
        {
            if (clv > cut)
            {
                above++;
            }
        }

        return above;
    }

    /// <summary>
    /// The ranks of the customers in a transaction log as of <paramref name="calibrationEnd"/>:
    /// each customer's recency, purchase days and spend, and their predicted lifetime value from
    /// <paramref name="model"/> over <paramref name="forecast"/>'s horizon, computed as a live
    /// customer's is (the summary in days).
    /// </summary>
    public static PopulationRanks From(IEnumerable<Transaction> transactions, DateOnly calibrationEnd, ValueModel model, ValueForecastOptions forecast, DateTimeOffset at)
    {
        var byCustomer = new Dictionary<string, SortedDictionary<DateOnly, decimal>>(StringComparer.Ordinal);
        foreach (var t in transactions)
        {
            if (t.Day > calibrationEnd)
            {
                continue;
            }

            if (!byCustomer.TryGetValue(t.CustomerId, out var days))
            {
                byCustomer[t.CustomerId] = days = [];
            }

            days[t.Day] = days.GetValueOrDefault(t.Day) + t.Value;
        }

        if (byCustomer.Count == 0)
        {
            throw new ArgumentException($"no purchase on or before {calibrationEnd:yyyy-MM-dd} to rank against", nameof(transactions));
        }

        var rfm = new List<(double RecencyDays, double Frequency, double Monetary)>(byCustomer.Count);
        var clv = new double[byCustomer.Count];
        var i = 0;
        foreach (var days in byCustomer.Values)
        {
            var first = days.Keys.First();
            var last = days.Keys.Last();
            var spend = days.Values.Sum();
            rfm.Add((calibrationEnd.DayNumber - last.DayNumber, days.Count, (double)spend));
            var repeats = days.Count - 1;
            var repeatValue = repeats == 0 ? 0 : (double)(spend - days[first]) / repeats;
            var summary = new PurchaseSummary(repeats, last.DayNumber - first.DayNumber, calibrationEnd.DayNumber - first.DayNumber, repeatValue);
            clv[i++] = (double)ValueForecasting.Forecast(model, summary, forecast).PredictedLifetimeValue;
        }

        Array.Sort(clv);
        var cuts = new double[99];
        for (var p = 1; p <= 99; p++)
        {
            cuts[p - 1] = clv[Math.Min(clv.Length - 1, (int)Math.Floor(p / 100.0 * clv.Length))];
        }

        return new PopulationRanks(RfmBoundaries.From(rfm, at), cuts);
    }
}

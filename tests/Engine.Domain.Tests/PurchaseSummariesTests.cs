using System.Globalization;
using Engine.Domain.Value.Model;

namespace Engine.Domain.Tests;

/// <summary>Transaction logs become the models' per-customer summaries as in the papers.</summary>
[Trait("Category", "Unit")]
public sealed class PurchaseSummariesTests
{
    private static readonly DateOnly CalibrationEnd = new(1997, 9, 30);

    [Fact]
    public void Same_day_purchases_are_one_the_first_is_not_a_repeat_and_later_ones_are_left_out()
    {
        var summary = PurchaseSummaries.From(
            [
                new("c", new DateOnly(1997, 1, 1), 29.33m),
                new("c", new DateOnly(1997, 1, 18), 20m),
                new("c", new DateOnly(1997, 1, 18), 9.73m),
                new("c", new DateOnly(1997, 8, 2), 14.96m),
                new("c", new DateOnly(1997, 12, 12), 26.48m),
                new("late", new DateOnly(1997, 10, 1), 5m),
            ],
            CalibrationEnd,
            7)["c"];

        Assert.Equal(2, summary.Frequency);
        Assert.Equal(213 / 7.0, summary.Recency, 12);
        Assert.Equal(272 / 7.0, summary.Age, 12);
        Assert.Equal((29.73 + 14.96) / 2, summary.MeanRepeatValue, 12);
    }

    [Fact]
    public void A_single_purchase_has_no_repeats_and_its_age_only()
    {
        var summary = PurchaseSummaries.From([new("c", new DateOnly(1997, 9, 23), 10m)], CalibrationEnd, 7)["c"];

        Assert.Equal(new PurchaseSummary(0, 0, 1, 0), summary);
        Assert.Null(summary.Problem);
    }

    [Fact]
    public void The_CDNOW_sample_log_gives_the_published_summary_of_every_customer()
    {
        // CDNOW_sample.txt: master id, sample id, yyyymmdd, CDs, value; the summary is keyed by sample id.
        var summaries = PurchaseSummaries.From(ReadLog("CDNOW_sample.txt", f => f[1], dayField: 2, valueField: 4), CalibrationEnd, 7);

        AssertMatchesPublishedSummary(summaries, sampleIdOf: id => id.TrimStart('0'));
    }

    [Fact]
    public void The_full_CDNOW_log_gives_the_published_summary_of_the_sampled_customers()
    {
        // The sample's customers are a tenth of the master log's 23,570: found there by master id.
        var masterIdOfSample = File.ReadLines(Path.Combine(CdnowData.Directory, "CDNOW_sample.txt"))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .GroupBy(f => f[1].TrimStart('0'))
            .ToDictionary(g => g.First()[0], g => g.Key);
        var master = PurchaseSummaries.From(
            ReadLog("CDNOW_master.txt", f => f[0], dayField: 1, valueField: 3, skip: 1), CalibrationEnd, 7);

        Assert.Equal(23_570, master.Count);
        AssertMatchesPublishedSummary(
            master.Where(m => masterIdOfSample.ContainsKey(m.Key)).ToDictionary(m => masterIdOfSample[m.Key], m => m.Value),
            sampleIdOf: id => id);
    }

    private static IEnumerable<Transaction> ReadLog(string file, Func<string[], string> customerOf, int dayField, int valueField, int skip = 0) =>
        File.ReadLines(Path.Combine(CdnowData.Directory, file)).Skip(skip)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > valueField)
            .Select(f => new Transaction(
                customerOf(f),
                DateOnly.ParseExact(f[dayField], "yyyyMMdd", CultureInfo.InvariantCulture),
                decimal.Parse(f[valueField], CultureInfo.InvariantCulture)));

    private static void AssertMatchesPublishedSummary(Dictionary<string, PurchaseSummary> summaries, Func<string, string> sampleIdOf)
    {
        var published = File.ReadLines(Path.Combine(CdnowData.Directory, "cdnow_customers_summary_with_transactions.csv")).Skip(1)
            .Select(line => line.Split(','))
            .ToDictionary(f => f[0], f => f);
        var bySampleId = summaries.ToDictionary(s => sampleIdOf(s.Key), s => s.Value);

        Assert.Equal(2357, bySampleId.Count);
        var compared = 0;
        foreach (var (id, f) in published)
        {
            var summary = bySampleId[id];
            Assert.Equal(int.Parse(f[1], CultureInfo.InvariantCulture), summary.Frequency);
            // The file rounds to two decimals.
            Assert.Equal(double.Parse(f[2], CultureInfo.InvariantCulture), summary.Recency, 0.0051);
            Assert.Equal(double.Parse(f[3], CultureInfo.InvariantCulture), summary.Age, 0.0051);
            Assert.Equal(double.Parse(f[4], CultureInfo.InvariantCulture), summary.MeanRepeatValue, 0.0051);
            compared++;
        }

        Assert.True(compared >= 2356, $"compared {compared}");
    }
}

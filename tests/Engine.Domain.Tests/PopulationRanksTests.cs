using System.Globalization;
using Engine.Domain.Customers;
using Engine.Domain.Segments;
using Engine.Domain.Sms;
using Engine.Domain.Value.Model;

namespace Engine.Domain.Tests;

/// <summary>
/// <see cref="PopulationRanks"/>: the RFM quintiles and CLV percentiles computed at fit time from
/// the fitted population, and the facts a customer reads against them.
/// </summary>
[Trait("Category", "Unit")]
public sealed class PopulationRanksTests
{
    private static readonly DateOnly CalibrationEnd = new(1997, 9, 30);
    private static readonly CustomerRules Rules = new();

    // The papers' BG/NBD fit and Gamma-Gamma fit of the CDNOW sample (docs/value-model.md).
    private static readonly ValueModel Cdnow = new(
        1, new DateTimeOffset(1997, 9, 30, 0, 0, 0, TimeSpan.Zero), 7, new BgNbdParameters(0.243, 4.414, 0.793, 2.426), new GammaGammaParameters(6.25, 3.74, 15.44), "cdnow", 2357, -9582.4, 0);

    [Fact]
    public void On_the_CDNOW_sample_the_top_fifth_by_predicted_value_has_a_clv_percentile_of_80_or_more()
    {
        var log = CdnowSampleLog();
        var ranks = PopulationRanks.From(log, CalibrationEnd, Cdnow, new ValueForecastOptions(), DateTimeOffset.UnixEpoch);

        Assert.Equal(99, ranks.ClvPercentiles.Length);
        Assert.Equal(ranks.ClvPercentiles.Order(), ranks.ClvPercentiles);
        Assert.Equal(2357, ranks.Rfm.Customers);
        var clv = Customers(log).Select(c => (double)ValueForecasting.Forecast(Cdnow, c, new ValueForecastOptions()).PredictedLifetimeValue).ToList();
        var topFifth = clv.Count(v => ranks.ClvPercentile(v) >= 80) / (double)clv.Count;
        Assert.InRange(topFifth, 0.19, 0.21);
        Assert.Equal(0, ranks.ClvPercentile(clv.Min()));
        Assert.Equal(99, ranks.ClvPercentile(clv.Max()));
    }

    [Fact]
    public void Rfm_quintiles_are_read_from_recency_purchase_days_and_spend_at_the_calibration_end()
    {
        // Ten customers, one to ten purchase days each, the last one to ten days before the end.
        var log = Enumerable.Range(1, 10).SelectMany(n => Enumerable.Range(0, n).Select(d =>
            new Transaction($"c{n}", CalibrationEnd.AddDays(-n - d), 10m * n))).ToList();

        var ranks = PopulationRanks.From(log, CalibrationEnd, Cdnow, new ValueForecastOptions(), DateTimeOffset.UnixEpoch);

        Assert.Equal([3.0, 5, 7, 9], ranks.Rfm.RecencyDays);
        Assert.Equal([3.0, 5, 7, 9], ranks.Rfm.Frequency);
        Assert.Equal([90.0, 250, 490, 810], ranks.Rfm.Monetary);
    }

    [Fact]
    public void A_customer_reads_rfm_group_and_clv_percentile_against_the_ranks_and_none_without_them()
    {
        var state = new CustomerState { CustomerId = Make.CustomerId };
        var offset = 0;
        foreach (var days in new[] { 60, 30, 2 })
        {
            state.Apply(Make.At(Make.Purchase(Make.T0.AddDays(-days), 300m), offset++), Rules);
        }

        var ranks = new PopulationRanks(
            new RfmBoundaries([5, 20, 60, 200], [1, 1, 2, 2], [50, 100, 300, 600], DateTimeOffset.UnixEpoch, 100),
            [.. Enumerable.Range(1, 99).Select(p => p * 10.0)]);
        var forecast = new ValueForecast(0.9, 3, 250, 855m, 1);

        var facts = CustomerSegmentFacts.From(state, Make.T0, 20, forecast, ranks);
        Assert.Equal("555", facts.Show("rfm"));
        Assert.Equal("champions", facts.Show("rfm_group"));
        Assert.Equal("85", facts.Show("clv_percentile"));
        Assert.Contains("high-value", SegmentRules.From(new SegmentOptions()).Evaluate(facts).Keys);

        var unranked = CustomerSegmentFacts.From(state, Make.T0, 20, forecast);
        Assert.Equal(("unknown", "unknown", "unknown"), (unranked.Show("rfm"), unranked.Show("rfm_group"), unranked.Show("clv_percentile")));
    }

    [Theory]
    [InlineData("+33612345678", "FR")]
    [InlineData("+14155550123", "US")]
    [InlineData("+447700900123", "GB")]
    [InlineData("0612345678", null)]
    [InlineData(null, null)]
    public void The_country_is_the_numbers_region_code_only(string? number, string? country) =>
        Assert.Equal(country, NumberNormalisation.CountryOf(number));

    [Fact]
    public void A_rule_on_country_holds_for_a_customer_whose_claimed_number_is_from_there()
    {
        var state = new CustomerState { CustomerId = Make.CustomerId };
        var rules = SegmentRules.From(new SegmentOptions { Rules = { ["french"] = "country == fr" } });

        var facts = CustomerSegmentFacts.From(state, Make.T0, 0, null, country: NumberNormalisation.CountryOf("+33612345678"));

        Assert.Contains("french", rules.Evaluate(facts).Keys);
        Assert.DoesNotContain("french", rules.Evaluate(CustomerSegmentFacts.From(state, Make.T0, 0, null, country: "US")).Keys);
    }

    [Fact]
    public void A_model_with_broken_ranks_is_refused_and_one_without_ranks_as_older_versions_are_accepted()
    {
        Assert.Empty(Cdnow.Problems());
        var broken = Cdnow with { Population = new PopulationRanks(new RfmBoundaries([1, 2, 3, 4], [1, 2, 3, 4], [4, 3, 2, 1], DateTimeOffset.UnixEpoch, 10), new double[99]) };

        Assert.Contains(broken.Problems(), p => p.Contains("population ranks", StringComparison.Ordinal));
    }

    private static List<Transaction> CdnowSampleLog() =>
        [.. File.ReadLines(Path.Combine(CdnowData.Directory, "CDNOW_sample.txt"))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 4)
            .Select(f => new Transaction(f[1], DateOnly.ParseExact(f[2], "yyyyMMdd", CultureInfo.InvariantCulture), decimal.Parse(f[4], CultureInfo.InvariantCulture)))];

    // Each customer's summary in days, as a live customer forecasts.
    private static IEnumerable<PurchaseSummary> Customers(IEnumerable<Transaction> log) =>
        PurchaseSummaries.From(log, CalibrationEnd, periodDays: 1).Values;
}

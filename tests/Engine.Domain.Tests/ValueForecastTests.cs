using Engine.Domain.Value.Model;

namespace Engine.Domain.Tests;

/// <summary>A customer's forecast from a fitted model: units, horizon and discounting.</summary>
[Trait("Category", "Unit")]
public sealed class ValueForecastTests
{
    private static readonly ValueModel Cdnow = new(
        3, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), 7, new BgNbdParameters(0.243, 4.414, 0.793, 2.426), new GammaGammaParameters(6.25, 3.74, 15.44),
        "test", 2357, -9582.4, -4000);

    // Customer 1 of the CDNOW sample, in days: x = 2, tₓ = 30.43 weeks, T = 38.86 weeks, mean repeat value 22.35.
    private static readonly PurchaseSummary CustomerInDays = new(2, 30.43 * 7, 38.86 * 7, 22.35);

    [Fact]
    public void A_summary_in_days_is_read_in_the_models_periods()
    {
        var forecast = ValueForecasting.Forecast(Cdnow, CustomerInDays, new ValueForecastOptions { Horizon = TimeSpan.FromDays(39 * 7) });

        Assert.Equal(BgNbdModel.ExpectedPurchases(Cdnow.Purchases, new PurchaseSummary(2, 30.43, 38.86), 39), forecast.ExpectedPurchases, 9);
        Assert.Equal(BgNbdModel.ProbabilityAlive(Cdnow.Purchases, new PurchaseSummary(2, 30.43, 38.86)), forecast.ProbabilityAlive, 12);
        Assert.Equal(3, forecast.ModelVersion);
    }

    [Fact]
    public void Lifetime_value_is_expected_purchases_times_value_per_purchase_without_discounting()
    {
        var forecast = ValueForecasting.Forecast(Cdnow, CustomerInDays, new ValueForecastOptions());

        Assert.Equal(6.25 * (15.44 + (2 * 22.35)) / ((6.25 * 2) + 3.74 - 1), forecast.ExpectedValuePerPurchase, 9);
        Assert.Equal((decimal)Math.Round(forecast.ExpectedPurchases * forecast.ExpectedValuePerPurchase, 2), forecast.PredictedLifetimeValue);
    }

    [Fact]
    public void Discounting_lowers_lifetime_value_the_more_the_higher_the_rate()
    {
        var none = ValueForecasting.Forecast(Cdnow, CustomerInDays, new ValueForecastOptions()).PredictedLifetimeValue;
        var low = ValueForecasting.Forecast(Cdnow, CustomerInDays, new ValueForecastOptions { AnnualDiscountRate = 0.05 }).PredictedLifetimeValue;
        var high = ValueForecasting.Forecast(Cdnow, CustomerInDays, new ValueForecastOptions { AnnualDiscountRate = 0.2 }).PredictedLifetimeValue;

        Assert.True(none > low && low > high, $"{none} > {low} > {high}");
        // Over one year, discounting by r costs less than r of the value.
        Assert.True(low > none * 0.95m, $"{low} against {none}");
    }

    [Fact]
    public void A_longer_horizon_predicts_more()
    {
        var year = ValueForecasting.Forecast(Cdnow, CustomerInDays, new ValueForecastOptions()).PredictedLifetimeValue;
        var threeYears = ValueForecasting.Forecast(Cdnow, CustomerInDays, new ValueForecastOptions { Horizon = TimeSpan.FromDays(3 * 365) }).PredictedLifetimeValue;

        Assert.True(threeYears > year, $"{threeYears} > {year}");
    }

    [Fact]
    public void Bad_options_and_models_are_refused_with_the_reason()
    {
        Assert.NotEmpty(new ValueForecastOptions { Horizon = TimeSpan.Zero }.Validate());
        Assert.NotEmpty(new ValueForecastOptions { AnnualDiscountRate = 1 }.Validate());
        Assert.Empty(new ValueForecastOptions().Validate());
        Assert.NotEmpty((Cdnow with { Spend = new GammaGammaParameters(6.25, 0.9, 15.44) }).Problems());
        Assert.NotEmpty((Cdnow with { PeriodDays = 0 }).Problems());
        Assert.Empty(Cdnow.Problems());
    }
}

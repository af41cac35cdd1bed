namespace Engine.Domain.Value.Model;

/// <summary>What the value model says about one customer, in the base currency.</summary>
[GenerateSerializer, Immutable, Alias("engine.ValueForecast")]
public sealed record ValueForecast(
    [property: Id(0)] double ProbabilityAlive,
    [property: Id(1)] double ExpectedPurchases,
    [property: Id(2)] double ExpectedValuePerPurchase,
    [property: Id(3)] decimal PredictedLifetimeValue,
    [property: Id(4)] int ModelVersion);

/// <summary>The horizon and discounting of predicted lifetime value (section <see cref="SectionName"/>).</summary>
public sealed class ValueForecastOptions
{
    public const string SectionName = "ValueModel:Forecast";

    /// <summary>How far ahead lifetime value is predicted.</summary>
    public TimeSpan Horizon { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Yearly rate future purchases are discounted at (0.1 = 10 %); 0: none.</summary>
    public double AnnualDiscountRate { get; set; }

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Horizon <= TimeSpan.Zero || Horizon > TimeSpan.FromDays(3660))
        {
            problems.Add($"{SectionName}:Horizon must be between a day and ten years, got {Horizon:c}.");
        }

        if (AnnualDiscountRate is < 0 or >= 1 || double.IsNaN(AnnualDiscountRate))
        {
            problems.Add($"{SectionName}:AnnualDiscountRate must be at least 0 and below 1, got {AnnualDiscountRate}.");
        }

        return problems;
    }
}

/// <summary>
/// A customer's forecast from the model and their purchase summary: P(alive), purchases
/// expected within the horizon, expected value per purchase, and predicted lifetime value =
/// expected purchases × value per purchase, each month's purchases discounted to today when a
/// rate is set. O(1) in the customer's history: one ₂F₁ series per month of horizon when
/// discounting, one without.
/// </summary>
public static class ValueForecasting
{
    public static ValueForecast Forecast(ValueModel model, PurchaseSummary customerInDays, ValueForecastOptions options)
    {
        var summary = new PurchaseSummary(
            customerInDays.Frequency, customerInDays.Recency / model.PeriodDays, customerInDays.Age / model.PeriodDays, customerInDays.MeanRepeatValue);
        var horizon = options.Horizon.TotalDays / model.PeriodDays;
        var alive = BgNbdModel.ProbabilityAlive(model.Purchases, summary);
        var purchases = BgNbdModel.ExpectedPurchases(model.Purchases, summary, horizon);
        var perPurchase = GammaGammaModel.ExpectedValuePerPurchase(model.Spend, summary.Frequency, summary.MeanRepeatValue);
        var discounted = options.AnnualDiscountRate > 0 ? DiscountedPurchases(model, summary, options) : purchases;
        var value = (decimal)Math.Round(Math.Min(discounted * perPurchase, 1e15), 2);
        return new ValueForecast(alive, purchases, perPurchase, value, model.Version);
    }

    // Σ over months of (purchases expected in the month) / (1 + rate)^(years to the month's middle).
    private static double DiscountedPurchases(ValueModel model, PurchaseSummary summary, ValueForecastOptions options)
    {
        var days = options.Horizon.TotalDays;
        var months = Math.Max(1, (int)Math.Ceiling(days / 30.4375));
        var step = days / months;
        var total = 0.0;
        var before = 0.0;
        for (var k = 1; k <= months; k++)
        {
            var upTo = BgNbdModel.ExpectedPurchases(model.Purchases, summary, k * step / model.PeriodDays);
            total += (upTo - before) / Math.Pow(1 + options.AnnualDiscountRate, (k - 0.5) * step / 365.25);
            before = upTo;
        }

        return total;
    }
}

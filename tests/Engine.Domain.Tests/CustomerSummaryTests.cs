using Engine.Domain.Events;
using Engine.Domain.Projection;
using Engine.Domain.Segments;
using Engine.Domain.Value.Model;

namespace Engine.Domain.Tests;

/// <summary>
/// A customer's projection row: the figures the fleet questions read, computed from the state
/// being written as the customer's view computes them, as of the write, and never the number.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CustomerSummaryTests
{
    private static readonly DateTimeOffset T0 = Make.T0;

    private static readonly ValueModel Model = new(
        4, T0, 7, new BgNbdParameters(0.243, 4.414, 0.793, 2.426), new GammaGammaParameters(6.25, 3.74, 15.44), "test", 2357, -9582.4, -4000);

    [Fact]
    public void A_buying_customer_gets_tier_points_spend_orders_and_the_purchase_summary_as_of_the_write()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0.AddDays(-40), 300m), Make.Purchase(T0.AddDays(-20), 400m), Make.Purchase(T0.AddDays(-2), 500m), Make.Click(ClickAction.ProductView, T0.AddDays(-1), sku: "sku-1"));

        var row = CustomerSummaries.Of(feed.State, 7, T0, feed.Rules, model: null, new ValueForecastOptions(), numberKey: null);

        Assert.Equal(Make.CustomerId, row.CustomerId);
        Assert.Equal(7, row.Version);
        Assert.Equal(T0, row.AsOf);
        Assert.Equal("gold", row.Tier);
        Assert.Equal(feed.State.Loyalty.Balance, row.PointsBalance);
        Assert.True(row.PointsBalance >= 1200);
        Assert.Equal(1200m, row.LifetimeSpend);
        Assert.Equal(1200m, row.RollingSpend);
        Assert.Equal(3, row.Orders);
        Assert.Equal(T0.AddDays(-40), row.FirstPurchaseAt);
        Assert.Equal(T0.AddDays(-2), row.LastPurchaseAt);
        Assert.Equal(T0.AddDays(-1), row.LastActivityAt);
        Assert.Equal(2, row.Frequency);
        Assert.Equal(450, row.MeanRepeatValue, 9);
        Assert.Equal(feed.State.Engagement.ScoreAt(T0, feed.Rules.Engagement), row.EngagementScore, 12);
    }

    [Fact]
    public void Without_a_model_there_is_no_forecast()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0.AddDays(-3), 20m), Make.Purchase(T0.AddDays(-2), 20m));

        var row = CustomerSummaries.Of(feed.State, 1, T0, feed.Rules, model: null, new ValueForecastOptions(), numberKey: null);

        Assert.Null(row.PredictedLifetimeValue);
        Assert.Null(row.ProbabilityAlive);
        Assert.Null(row.ModelVersion);
    }

    [Fact]
    public void With_a_model_the_forecast_is_the_one_the_view_gives_at_the_same_moment()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0.AddDays(-100), 50m), Make.Purchase(T0.AddDays(-60), 80m), Make.Purchase(T0.AddDays(-10), 120m));
        var options = new ValueForecastOptions();

        var row = CustomerSummaries.Of(feed.State, 3, T0, feed.Rules, Model, options, numberKey: null);

        var expected = ValueForecasting.Forecast(Model, feed.State.Value.SummaryAt(T0)!.Value, options);
        Assert.Equal(expected.PredictedLifetimeValue, row.PredictedLifetimeValue);
        Assert.Equal(expected.ProbabilityAlive, row.ProbabilityAlive);
        Assert.Equal(4, row.ModelVersion);
        Assert.True(row.PredictedLifetimeValue > 0);
    }

    [Fact]
    public void The_segments_are_the_memberships_the_state_holds_as_published_even_those_on_the_populations_ranks()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0.AddDays(-3), 20m));
        // Recorded by the customer's evaluation (with the ranks its silo's model carries, which the write does not have).
        feed.State.Segments.Set(["high-value", "new"]);

        var row = CustomerSummaries.Of(feed.State, 1, T0, feed.Rules, model: null, new ValueForecastOptions(), numberKey: null);

        Assert.Equal(["high-value", "new"], row.Segments);
    }

    [Fact]
    public void Clock_dependent_figures_are_as_of_the_moment_given()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0.AddDays(-20), 20m), Make.Purchase(T0.AddDays(-10), 20m));

        var soon = CustomerSummaries.Of(feed.State, 2, T0, feed.Rules, Model, new ValueForecastOptions(), numberKey: null);
        var late = CustomerSummaries.Of(feed.State, 2, T0.AddDays(400), feed.Rules, Model, new ValueForecastOptions(), numberKey: null);

        Assert.True(late.ProbabilityAlive < soon.ProbabilityAlive, $"{late.ProbabilityAlive} after a silent year, {soon.ProbabilityAlive} now");
        Assert.Equal(0m, late.RollingSpend);
        Assert.Equal(40m, late.LifetimeSpend);
    }

    [Theory]
    [InlineData(ConsentStatus.OptedIn, false, ConsentValues.OptedIn)]
    [InlineData(ConsentStatus.OptedOut, false, ConsentValues.OptedOut)]
    [InlineData(ConsentStatus.Unknown, false, ConsentValues.Unknown)]
    [InlineData(ConsentStatus.OptedIn, true, ConsentValues.OptedOut)]
    public void Consent_is_opted_out_when_the_profile_or_the_held_number_says_stop(ConsentStatus profile, bool numberStopped, string expected)
    {
        var feed = new CustomerFeed();
        feed.State.Profile.Phone = "+33612345678";
        feed.State.Profile.SmsConsent = new SmsConsent(profile, "test", T0);
        feed.State.ClaimedNumber = "+33612345678";
        feed.State.NumberConsent = numberStopped ? new SmsConsent(ConsentStatus.OptedOut, "sms", T0.AddHours(1)) : null;

        Assert.Equal(expected, CustomerSummaries.Of(feed.State, 1, T0, feed.Rules, null, new ValueForecastOptions(), "nkey").Consent);
    }

    [Fact]
    public void The_row_holds_the_number_key_it_is_given_and_never_the_number()
    {
        var feed = new CustomerFeed();
        feed.State.Profile.Phone = "+33612345678";

        var row = CustomerSummaries.Of(feed.State, 1, T0, feed.Rules, null, new ValueForecastOptions(), "n0123abcd");

        Assert.Equal("n0123abcd", row.NumberKey);
        var text = System.Text.Json.JsonSerializer.Serialize(row);
        Assert.DoesNotContain("612345678", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_customer_who_never_bought_has_no_purchase_summary_and_no_forecast()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Click(ClickAction.ProductView, T0.AddDays(-1), sku: "sku-1"));

        var row = CustomerSummaries.Of(feed.State, 1, T0, feed.Rules, Model, new ValueForecastOptions(), null);

        Assert.Null(row.Tier);
        Assert.Equal(0, row.Orders);
        Assert.Null(row.PredictedLifetimeValue);
        Assert.Null(CustomerSummaries.PurchaseSummaryAt(row, T0));
        Assert.Equal(T0.AddDays(-1), row.LastActivityAt);
    }

    [Fact]
    public void The_purchase_summary_of_a_row_is_the_states_own_at_any_later_end()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0.AddDays(-90), 30m), Make.Purchase(T0.AddDays(-90).AddHours(2), 10m), Make.Purchase(T0.AddDays(-30), 70m), Make.Purchase(T0.AddDays(-5), 50m));
        var row = CustomerSummaries.Of(feed.State, 4, T0, feed.Rules, null, new ValueForecastOptions(), null);

        foreach (var end in new[] { T0, T0.AddDays(45) })
        {
            Assert.Equal(feed.State.Value.SummaryAt(end), CustomerSummaries.PurchaseSummaryAt(row, end));
        }
    }
}

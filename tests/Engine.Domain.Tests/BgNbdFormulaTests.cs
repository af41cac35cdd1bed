using Engine.Domain.Value.Model;

namespace Engine.Domain.Tests;

/// <summary>The per-customer BG/NBD and Gamma-Gamma formulas at their boundaries.</summary>
[Trait("Category", "Unit")]
public sealed class BgNbdFormulaTests
{
    private static readonly BgNbdParameters Cdnow = new(0.243, 4.414, 0.793, 2.426);
    private static readonly GammaGammaParameters Spend = new(6.25, 3.74, 15.44);

    [Fact]
    public void A_customer_without_repeat_purchases_is_certainly_alive() =>
        Assert.Equal(1.0, BgNbdModel.ProbabilityAlive(Cdnow, new PurchaseSummary(0, 0, 30)));

    [Fact]
    public void A_customer_who_just_bought_is_alive_with_the_chance_of_not_having_dropped_at_that_purchase()
    {
        // tₓ = T: P(alive) = 1 / (1 + a / (b + x − 1)).
        Assert.Equal(1 / (1 + (0.793 / (2.426 + 3 - 1))), BgNbdModel.ProbabilityAlive(Cdnow, new PurchaseSummary(3, 20, 20)), 12);
    }

    [Fact]
    public void The_longer_a_frequent_buyer_stays_silent_the_less_likely_they_are_alive()
    {
        var recent = BgNbdModel.ProbabilityAlive(Cdnow, new PurchaseSummary(10, 35, 38));
        var silent = BgNbdModel.ProbabilityAlive(Cdnow, new PurchaseSummary(10, 10, 38));

        Assert.True(recent > 0.8, $"recent {recent}");
        Assert.True(silent < 0.001, $"silent {silent}");
    }

    [Fact]
    public void A_new_customer_expects_what_the_population_expects()
    {
        // x = 0, T = 0 is a customer just acquired: eq. 10 reduces to eq. 9.
        Assert.Equal(BgNbdModel.ExpectedPurchasesOfNewCustomer(Cdnow, 52), BgNbdModel.ExpectedPurchases(Cdnow, new PurchaseSummary(0, 0, 0), 52), 9);
    }

    [Fact]
    public void Expected_purchases_start_at_zero_and_grow_with_the_horizon()
    {
        var customer = new PurchaseSummary(4, 30, 38);
        var previous = BgNbdModel.ExpectedPurchases(Cdnow, customer, 0);
        Assert.Equal(0, previous);
        foreach (var weeks in new[] { 1, 4, 13, 26, 52, 104, 520 })
        {
            var expected = BgNbdModel.ExpectedPurchases(Cdnow, customer, weeks);
            Assert.True(expected > previous, $"{weeks} weeks: {expected} after {previous}");
            previous = expected;
        }
    }

    [Fact]
    public void Very_frequent_buyers_get_finite_predictions()
    {
        var heavy = new PurchaseSummary(5000, 3649, 3650);

        var alive = BgNbdModel.ProbabilityAlive(Cdnow, heavy);
        var expected = BgNbdModel.ExpectedPurchases(Cdnow, heavy, 365);

        Assert.InRange(alive, 0, 1);
        Assert.True(double.IsFinite(expected) && expected > 100, $"expected {expected}");
        Assert.True(double.IsFinite(BgNbdModel.LogLikelihood(Cdnow, heavy)));
    }

    [Fact]
    public void Expected_value_per_purchase_moves_from_the_population_mean_towards_the_customers_own()
    {
        Assert.Equal(6.25 * 15.44 / 2.74, GammaGammaModel.ExpectedValuePerPurchase(Spend, 0, 0), 9);
        var one = GammaGammaModel.ExpectedValuePerPurchase(Spend, 1, 100);
        var many = GammaGammaModel.ExpectedValuePerPurchase(Spend, 50, 100);

        Assert.InRange(one, Spend.PopulationMeanValue, 100);
        Assert.InRange(many, one, 100);
        Assert.True(100 - many < 5, $"50 purchases of 100 expect {many}");
    }

    [Fact]
    public void A_summary_that_cannot_happen_says_why()
    {
        Assert.Null(new PurchaseSummary(2, 10, 20).Problem);
        Assert.NotNull(new PurchaseSummary(2, 30, 20).Problem);
        Assert.NotNull(new PurchaseSummary(0, 5, 20).Problem);
        Assert.NotNull(new PurchaseSummary(-1, 0, 20).Problem);
    }
}

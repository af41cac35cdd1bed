using Engine.Domain.Segments;

namespace Engine.Domain.Tests;

/// <summary>Each default segment on hand-made customers, the rule language, and membership changes.</summary>
[Trait("Category", "Unit")]
public sealed class SegmentRulesTests
{
    private static readonly SegmentRules Defaults = SegmentRules.From(new SegmentOptions());

    private static SegmentFacts Ordinary() => new SegmentFacts()
        .Set("tier", "silver").Set("lifetime_spend", 400).Set("orders", 3).Set("orders_365d", 2)
        .Set("days_since_first_purchase", 400).Set("days_since_last_purchase", 20).Set("days_since_last_activity", 2)
        .Set("engagement_score", 40).Set("clv", 300).Set("clv_percentile", 50).Set("clv_to_spend", 0.75).Set("p_alive", 0.7)
        .Set("rfm", "333").Set("rfm_group", "need_attention").Set("seasonality", 0.4).Set("cart_abandoned", false)
        .Set("referrals", 0).Set("referred_buyers", 0);

    [Fact]
    public void An_ordinary_customer_is_in_no_default_segment() => Assert.Empty(Defaults.Evaluate(Ordinary()));

    [Theory]
    [InlineData("high-value", "clv_percentile", 92.0)]
    [InlineData("frequent", "orders_365d", 8.0)]
    [InlineData("new", "days_since_first_purchase", 12.0)]
    public void A_customer_joins_a_segment_when_its_fact_crosses_the_line(string segment, string fact, double value)
    {
        var memberships = Defaults.Evaluate(Ordinary().Set(fact, value));

        Assert.Equal([segment], memberships.Keys);
        Assert.Contains(fact, memberships[segment], StringComparison.Ordinal);
    }

    [Fact]
    public void An_advocate_whose_referral_bought_is_high_value_with_a_good_forecast_only()
    {
        Assert.Equal(["high-value"], Defaults.Evaluate(Ordinary().Set("clv_percentile", 65).Set("referred_buyers", 1)).Keys);
        Assert.Empty(Defaults.Evaluate(Ordinary().Set("clv_percentile", 50).Set("referred_buyers", 3)));
        Assert.Empty(Defaults.Evaluate(Ordinary().Set("clv_percentile", 65).Set("referrals", 4)));
    }

    [Fact]
    public void Rising_customers_are_predicted_to_spend_well_beyond_their_spend_so_far() =>
        Assert.Equal(["rising"], Defaults.Evaluate(Ordinary().Set("clv_to_spend", 2.1)).Keys);

    [Fact]
    public void At_risk_customers_are_valuable_and_slipping_away()
    {
        Assert.Equal(["at-risk"], Defaults.Evaluate(Ordinary().Set("rfm_group", "cant_lose")).Keys);
        Assert.Equal(["at-risk"], Defaults.Evaluate(Ordinary().Set("clv_percentile", 70).Set("p_alive", 0.2)).Keys);
        Assert.Empty(Defaults.Evaluate(Ordinary().Set("clv_percentile", 40).Set("p_alive", 0.2)));
    }

    [Fact]
    public void Seasonal_low_engagement_and_cart_abandoner_follow_their_facts()
    {
        Assert.Equal(["seasonal"], Defaults.Evaluate(Ordinary().Set("orders", 6).Set("seasonality", 0.75)).Keys);
        Assert.Equal(["low-engagement"], Defaults.Evaluate(Ordinary().Set("engagement_score", 3).Set("days_since_last_activity", 45)).Keys);
        Assert.Equal(["cart-abandoner"], Defaults.Evaluate(Ordinary().Set("cart_abandoned", true)).Keys);
    }

    [Fact]
    public void A_fact_nobody_knows_puts_no_one_in_a_segment()
    {
        // Before the first model fit there is no CLV percentile nor P(alive).
        var facts = new SegmentFacts().Set("orders", 1).Set("days_since_first_purchase", 400);

        Assert.Empty(Defaults.Evaluate(facts));
    }

    [Fact]
    public void Configured_rules_replace_or_remove_defaults_and_add_new_ones()
    {
        var rules = SegmentRules.From(new SegmentOptions
        {
            Rules = { ["new"] = "", ["frequent"] = "orders_365d >= 12", ["gold-french"] = "tier == gold and country == fr" },
        });

        Assert.DoesNotContain(rules.All, r => r.Name == "new");
        Assert.Empty(rules.Evaluate(Ordinary().Set("orders_365d", 8).Set("days_since_first_purchase", 3)));
        Assert.Equal(["gold-french"], rules.Evaluate(Ordinary().Set("tier", "Gold").Set("country", "FR")).Keys);
    }

    [Theory]
    [InlineData("clv_percentle >= 80", "not a segment fact")]
    [InlineData("p_alive >= high", "compares with a number")]
    [InlineData("p_alive", "expected fact op value")]
    [InlineData("tier in gold", "a list is written")]
    [InlineData("tier == gold and", "an empty condition")]
    public void A_wrong_definition_is_refused_naming_the_segment_and_the_mistake(string definition, string mistake)
    {
        var error = Assert.Throws<FormatException>(() => SegmentRules.From(new SegmentOptions { Rules = { ["mine"] = definition } }));

        Assert.Contains("segment mine", error.Message, StringComparison.Ordinal);
        Assert.Contains(mistake, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void And_binds_tighter_than_or()
    {
        var rule = SegmentRule.Parse("x", "orders >= 10 or tier == gold and p_alive >= 0.5");

        Assert.NotNull(rule.Explain(Ordinary().Set("orders", 10).Set("p_alive", 0.1)));
        Assert.Null(rule.Explain(Ordinary().Set("tier", "gold").Set("p_alive", 0.1)));
        Assert.NotNull(rule.Explain(Ordinary().Set("tier", "gold").Set("p_alive", 0.9)));
    }

    [Fact]
    public void A_change_lists_segments_left_then_joined_and_nothing_when_the_same()
    {
        Assert.Equal(
            [new SegmentChange("new", false), new SegmentChange("frequent", true), new SegmentChange("high-value", true)],
            SegmentChanges.Between(["new", "cart-abandoner"], ["cart-abandoner", "high-value", "frequent"]));
        Assert.Empty(SegmentChanges.Between(["a", "b"], ["b", "a"]));
    }
}

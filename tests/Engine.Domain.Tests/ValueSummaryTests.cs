using Engine.Domain.Customers;
using Engine.Domain.Segments;
using Engine.Domain.Value;
using Engine.Domain.Value.Model;

namespace Engine.Domain.Tests;

/// <summary>A customer's value-model summary kept in O(1) from its totals, and the segment facts built from its state.</summary>
[Trait("Category", "Unit")]
public sealed class ValueSummaryTests
{
    private static readonly CustomerRules Rules = new();
    private static readonly DateTimeOffset Day0 = Make.T0;

    private static CustomerState Apply(params Events.CustomerEvent[] events)
    {
        var state = new CustomerState { CustomerId = Make.CustomerId };
        var offset = 0;
        foreach (var e in events)
        {
            state.Apply(Make.At(e, offset++), Rules);
        }

        return state;
    }

    [Fact]
    public void No_purchase_no_summary() => Assert.Null(new CustomerValue().SummaryAt(Day0));

    [Fact]
    public void Repeat_days_recency_age_and_mean_repeat_value_are_counted_as_the_papers_do()
    {
        var state = Apply(
            Make.Purchase(Day0, 30m),
            Make.Purchase(Day0.AddHours(3), 20m), // same day as the first: not a repeat
            Make.Purchase(Day0.AddDays(10), 40m),
            Make.Purchase(Day0.AddDays(24), 60m));

        var summary = state.Value.SummaryAt(Day0.AddDays(30));

        Assert.Equal(new PurchaseSummary(2, 24, 30, 50), summary);
    }

    [Fact]
    public void A_purchase_older_than_the_first_becomes_the_first_and_the_old_first_day_a_repeat()
    {
        var state = Apply(Make.Purchase(Day0, 30m), Make.Purchase(Day0.AddDays(5), 10m), Make.Purchase(Day0.AddDays(-5), 70m));

        var summary = state.Value.SummaryAt(Day0.AddDays(5));

        Assert.Equal(new PurchaseSummary(2, 10, 10, 20), summary);
    }

    [Fact]
    public void A_refund_of_the_first_days_order_leaves_the_repeat_value_alone()
    {
        var state = Apply(Make.Purchase(Day0, 30m, orderId: "first"), Make.Purchase(Day0.AddDays(7), 40m), Make.Refund(Day0.AddDays(8), "first", 30m));

        Assert.Equal(40, state.Value.SummaryAt(Day0.AddDays(8))!.Value.MeanRepeatValue);
    }

    [Theory]
    [InlineData(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, 0.25)]
    [InlineData(new[] { 11, 12, 12, 12, 11, 1 }, 1.0)]
    [InlineData(new[] { 12, 12, 6, 3, 9 }, 0.8)]
    public void Seasonality_is_the_share_of_purchase_days_in_the_busiest_three_months(int[] months, double expected)
    {
        var days = months.Select((month, i) => new DateOnly(2025, month, 1 + i).DayNumber).ToList();

        Assert.Equal(expected, CustomerSegmentFacts.Seasonality(days)!.Value, 9);
    }

    [Fact]
    public void Seasonality_is_unknown_with_too_few_purchase_days() =>
        Assert.Null(CustomerSegmentFacts.Seasonality([new DateOnly(2025, 12, 1).DayNumber, new DateOnly(2025, 12, 2).DayNumber]));

    [Fact]
    public void A_new_customer_with_an_abandoned_cart_is_in_the_new_and_cart_abandoner_segments()
    {
        var state = Apply(Make.Purchase(Day0, 30m));
        state.CartAbandonment.Active = true;
        var forecast = new ValueForecast(0.9, 1.5, 35, 52.5m, 1);

        var facts = CustomerSegmentFacts.From(state, Day0.AddDays(3), engagementScore: 40, forecast);

        Assert.Equal(["cart-abandoner", "new"], SegmentRules.From(new SegmentOptions()).Evaluate(facts).Keys);
        Assert.Equal("1.75", facts.Show("clv_to_spend"));
        Assert.Equal("3", facts.Show("days_since_first_purchase"));
    }
}

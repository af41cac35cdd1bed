using Engine.Domain.Customers;
using Engine.Domain.Engagement;
using Engine.Domain.Events;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class EngagementTests
{
    private static readonly DateTimeOffset T0 = Make.T0;
    private static readonly EngagementPolicy Policy = new();

    private static CustomerEngagement EngagementOf(IEnumerable<CustomerEvent> events, EngagementPolicy? policy = null)
    {
        var engagement = new CustomerEngagement();
        foreach (var e in events)
        {
            switch (e)
            {
                case ClickEvent click: engagement.RecordClick(click, policy ?? Policy); break;
                case PurchaseEvent purchase: engagement.RecordPurchase(purchase, policy ?? Policy); break;
            }
        }

        return engagement;
    }

    [Fact]
    public void Clicks_are_counted_per_action()
    {
        var engagement = EngagementOf(
        [
            Make.Click(ClickAction.PageView, T0),
            Make.Click(ClickAction.PageView, T0),
            Make.Click(ClickAction.ProductView, T0),
            Make.Click(ClickAction.AddToCart, T0, "SKU-A"),
            Make.Click(ClickAction.AddToCart, T0, "SKU-B"),
            Make.Click(ClickAction.AddToCart, T0, "SKU-C"),
            Make.Click(ClickAction.RemoveFromCart, T0, "SKU-C"),
            Make.Click(ClickAction.CheckoutStarted, T0),
        ]);

        Assert.Equal(2, engagement.PageViews);
        Assert.Equal(1, engagement.ProductViews);
        Assert.Equal(3, engagement.AddToCarts);
        Assert.Equal(1, engagement.RemoveFromCarts);
        Assert.Equal(1, engagement.CheckoutsStarted);
        Assert.Equal(8, engagement.Clicks);
    }

    [Fact]
    public void Each_session_is_counted_once()
    {
        var engagement = EngagementOf(
        [
            Make.Click(ClickAction.PageView, T0, sessionId: "s-1"),
            Make.Click(ClickAction.ProductView, T0.AddMinutes(1), sessionId: "s-1"),
            Make.Click(ClickAction.PageView, T0.AddDays(1), sessionId: "s-2"),
            Make.Click(ClickAction.PageView, T0.AddMinutes(2), sessionId: "s-1"),
        ]);

        Assert.Equal(2, engagement.Sessions);
    }

    [Fact]
    public void Session_returning_after_sixteen_others_is_counted_again()
    {
        // Documents the limit: only the last RecentSessionCapacity (16) session ids are remembered.
        var clicks = new List<CustomerEvent> { Make.Click(ClickAction.PageView, T0, sessionId: "s-first") };
        clicks.AddRange(Enumerable.Range(1, CustomerEngagement.RecentSessionCapacity - 1).Select(i => Make.Click(ClickAction.PageView, T0, sessionId: $"s-{i}")));
        clicks.Add(Make.Click(ClickAction.PageView, T0, sessionId: "s-first"));
        Assert.Equal(16, EngagementOf(clicks).Sessions);

        clicks.Insert(clicks.Count - 1, Make.Click(ClickAction.PageView, T0, sessionId: "s-16"));

        Assert.Equal(18, EngagementOf(clicks).Sessions);
    }

    [Fact]
    public void Purchases_do_not_count_as_sessions_or_clicks()
    {
        var engagement = EngagementOf([Make.Click(ClickAction.PageView, T0), Make.Purchase(T0.AddMinutes(1))]);

        Assert.Equal(1, engagement.Sessions);
        Assert.Equal(1, engagement.Clicks);
        Assert.Equal(T0.AddMinutes(1), engagement.LastSeenAt);
    }

    [Fact]
    public void Last_seen_is_the_newest_interaction_whatever_the_arrival_order()
    {
        var engagement = EngagementOf(
        [
            Make.Click(ClickAction.PageView, T0.AddHours(3)),
            Make.Click(ClickAction.PageView, T0),
            Make.Purchase(T0.AddHours(1)),
        ]);

        Assert.Equal(T0.AddHours(3), engagement.LastSeenAt);
    }

    [Fact]
    public void Score_halves_after_one_half_life()
    {
        var policy = new EngagementPolicy { HalfLife = TimeSpan.FromDays(14) };
        var engagement = EngagementOf([Make.Click(ClickAction.AddToCart, T0, "SKU-A")], policy);

        Assert.Equal(policy.AddToCartWeight, engagement.ScoreAt(T0, policy), 9);
        Assert.Equal(policy.AddToCartWeight / 2, engagement.ScoreAt(T0.AddDays(14), policy), 9);
        Assert.Equal(policy.AddToCartWeight / 4, engagement.ScoreAt(T0.AddDays(28), policy), 9);
    }

    [Fact]
    public void Score_adds_weights_decayed_to_the_newest_interaction()
    {
        var policy = new EngagementPolicy { HalfLife = TimeSpan.FromDays(7), PageViewWeight = 1, PurchaseWeight = 10 };
        var engagement = EngagementOf([Make.Click(ClickAction.PageView, T0), Make.Purchase(T0.AddDays(7))], policy);

        Assert.Equal(10.5, engagement.ScoreAt(T0.AddDays(7), policy), 9);
    }

    [Fact]
    public void Score_is_not_grown_for_an_instant_before_the_newest_interaction()
    {
        var engagement = EngagementOf([Make.Click(ClickAction.PageView, T0)]);

        Assert.Equal(Policy.PageViewWeight, engagement.ScoreAt(T0.AddDays(-30), Policy), 9);
    }

    [Fact]
    public void Out_of_order_clicks_give_the_same_score_as_in_order()
    {
        CustomerEvent[] events =
        [
            Make.Click(ClickAction.PageView, T0),
            Make.Click(ClickAction.ProductView, T0.AddHours(5)),
            Make.Click(ClickAction.AddToCart, T0.AddDays(2), "SKU-A"),
            Make.Purchase(T0.AddDays(2).AddMinutes(10)),
            Make.Click(ClickAction.PageView, T0.AddDays(20)),
            Make.Click(ClickAction.CheckoutStarted, T0.AddDays(3)),
        ];
        var inOrder = EngagementOf(events.OrderBy(e => e.OccurredAt));
        var asOf = T0.AddDays(30);
        var expected = inOrder.ScoreAt(asOf, Policy);

        foreach (var arrival in new[] { events.Reverse(), events, events.OrderBy(e => e.EventId, StringComparer.Ordinal) })
        {
            var actual = EngagementOf(arrival).ScoreAt(asOf, Policy);
            Assert.True(Math.Abs(actual - expected) <= 1e-9 * Math.Abs(expected), $"expected {expected}, got {actual}");
        }
    }
}

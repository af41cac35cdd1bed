using Engine.Domain.Customers;
using Engine.Domain.Loyalty;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class TierProgressTests
{
    private static readonly DateTimeOffset T0 = Make.T0;

    private static DateTimeOffset On(int year, int month, int day) => new(year, month, day, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Orders only, spend AND orders, spend OR orders (as in the ladder tests); re-qualified
    /// after six months, so the tier reached is still safe then and only the next one is talked of.
    /// </summary>
    private static CustomerRules Mixed() => new()
    {
        Loyalty = new LoyaltyRules
        {
            RequalificationMonths = 6,
            Tiers =
            [
                new() { Name = "Member" },
                new() { Name = "Regular", MinOrders = 5, Multiplier = 1.1m },
                new() { Name = "Premium", MinRollingSpend = 1000m, MinOrders = 10, RequireBoth = true, Multiplier = 1.5m },
                new() { Name = "Elite", MinRollingSpend = 5000m, MinOrders = 40, RequireBoth = false, Multiplier = 2m },
            ],
        },
    };

    private static CustomerRules HalfYearly()
    {
        var rules = new CustomerRules();
        rules.Loyalty.RequalificationMonths = 6;
        return rules;
    }

    private static CustomerFeed Buying(CustomerRules? rules, params (DateTimeOffset At, decimal Amount)[] purchases)
    {
        var feed = new CustomerFeed(rules);
        feed.ApplyAll([.. purchases.Select(p => Make.Purchase(p.At, p.Amount))]);
        return feed;
    }

    private static TierProgress ProgressOf(CustomerFeed feed, DateTimeOffset now) =>
        TierProgress.For(feed.State, now, feed.Rules) ?? throw new InvalidOperationException("no progress");

    // ---- spend ----

    [Fact]
    public void The_spend_gap_is_due_by_the_last_day_the_oldest_spend_still_counts()
    {
        // Silver from the second purchase, re-qualified after six months; 770 in the window, Gold at 1000.
        var feed = Buying(HalfYearly(), (On(2026, 3, 2), 300m), (On(2026, 9, 1), 470m));

        var progress = ProgressOf(feed, On(2026, 12, 1));

        Assert.Equal("Silver", progress.Tier);
        Assert.Equal("Gold", progress.NextTier);
        Assert.Equal(230m, progress.SpendNeeded);
        Assert.Null(progress.OrdersNeeded);
        Assert.Equal(770m, progress.RollingSpend);
        // 2026-03-02 counts in the 365-day window up to and including 2027-03-01.
        Assert.Equal(new DateOnly(2027, 3, 1), progress.By);
        // Still 770 in the window at re-qualification (2027-03-01 12:00): Silver is safe, nothing to say.
        Assert.Equal(On(2027, 3, 1), progress.KeepAsOf);
        Assert.True(progress.Keep!.IsMet);
        Assert.Equal("spend 230.00 more by 2027-03-01 to reach Gold", progress.Describe());
    }

    [Fact]
    public void The_by_date_is_the_last_day_on_which_the_gap_is_as_stated()
    {
        var feed = Buying(null, (On(2026, 3, 2), 600m), (On(2026, 6, 1), 170m));
        var by = ProgressOf(feed, On(2026, 12, 1)).By!.Value;

        var onTheDay = ProgressOf(feed, new DateTimeOffset(by.ToDateTime(new TimeOnly(23, 59)), TimeSpan.Zero));
        var dayAfter = ProgressOf(feed, new DateTimeOffset(by.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));

        Assert.Equal(230m, onTheDay.SpendNeeded);
        Assert.Equal(830m, dayAfter.SpendNeeded);
        // The next drop-out is the June purchase's.
        Assert.Equal(new DateOnly(2027, 5, 31), dayAfter.By);
    }

    [Fact]
    public void Spend_outside_the_window_counts_for_nothing()
    {
        var feed = Buying(null, (On(2025, 1, 10), 450m), (On(2026, 6, 1), 100m));

        var progress = ProgressOf(feed, On(2026, 12, 1));

        Assert.Equal(100m, progress.RollingSpend);
        Assert.Equal(new DateOnly(2027, 5, 31), progress.By);
    }

    [Fact]
    public void With_no_spend_in_the_window_there_is_no_by_date()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Profile(T0));

        var progress = ProgressOf(feed, T0);

        // No loyalty event yet: the customer stands on the entry tier.
        Assert.Null(feed.State.Loyalty.Tier);
        Assert.Equal("Bronze", progress.Tier);
        Assert.Equal("Silver", progress.NextTier);
        Assert.Equal(500m, progress.SpendNeeded);
        Assert.Null(progress.By);
        Assert.Null(progress.Keep);
        Assert.Equal("spend 500.00 more to reach Silver", progress.Describe());
    }

    [Fact]
    public void The_top_tier_has_no_next_tier()
    {
        var feed = Buying(HalfYearly(), (T0, 6000m));

        var progress = ProgressOf(feed, T0.AddDays(1));

        Assert.Equal("Platinum", progress.Tier);
        Assert.Null(progress.Next);
        Assert.Null(progress.SpendNeeded);
        Assert.Null(progress.By);
        Assert.Equal("Platinum: top tier", progress.Describe());
    }

    [Fact]
    public void The_spend_shown_is_rounded_up_to_the_cent()
    {
        var gap = new TierGap("Silver", 230.001m, null, false);

        Assert.Equal("spend 230.01 more", gap.Describe());
    }

    // ---- orders ----

    [Fact]
    public void An_orders_only_tier_counts_orders()
    {
        var feed = Buying(Mixed(), (On(2026, 3, 2), 10m), (On(2026, 4, 1), 10m), (On(2026, 5, 1), 10m));

        var progress = ProgressOf(feed, On(2026, 6, 1));

        Assert.Equal("Member", progress.Tier);
        Assert.Equal("Regular", progress.NextTier);
        Assert.Null(progress.SpendNeeded);
        Assert.Equal(2, progress.OrdersNeeded);
        Assert.Equal(new DateOnly(2027, 3, 1), progress.By);
        Assert.Equal("2 more orders by 2027-03-01 to reach Regular", progress.Describe());
    }

    [Fact]
    public void One_order_is_singular()
    {
        var feed = Buying(Mixed(), (T0, 10m), (T0.AddDays(1), 10m), (T0.AddDays(2), 10m), (T0.AddDays(3), 10m));

        Assert.Equal("1 more order by 2027-11-22 to reach Regular", ProgressOf(feed, T0.AddDays(4)).Describe());
    }

    [Fact]
    public void A_fully_refunded_order_still_counts_as_an_order()
    {
        var feed = new CustomerFeed(Mixed());
        feed.ApplyAll(Make.Purchase(On(2026, 3, 2), 50m, orderId: "o-1"), Make.Refund(On(2026, 3, 3), "o-1", 50m));

        var progress = ProgressOf(feed, On(2026, 6, 1));

        Assert.Equal(4, progress.OrdersNeeded);
        // The day has no spend left but still an order, which is what Regular counts.
        Assert.Equal(new DateOnly(2027, 3, 1), progress.By);
    }

    // ---- both criteria ----

    [Fact]
    public void Require_both_needs_spend_and_orders()
    {
        // Five orders: Regular; Premium needs 1000 AND 10 orders.
        var feed = Buying(Mixed(), [.. Enumerable.Range(0, 5).Select(i => (On(2026, 3, 2).AddDays(i), 154m))]);

        var progress = ProgressOf(feed, On(2026, 6, 1));

        Assert.Equal("Regular", progress.Tier);
        Assert.Equal("Premium", progress.NextTier);
        Assert.Equal(230m, progress.SpendNeeded);
        Assert.Equal(5, progress.OrdersNeeded);
        Assert.True(progress.Next!.NeedsBoth);
        Assert.Equal("spend 230.00 and 5 more orders by 2027-03-01 to reach Premium", progress.Describe());
    }

    [Fact]
    public void Require_both_with_the_spend_met_asks_only_for_orders()
    {
        var feed = Buying(Mixed(), [.. Enumerable.Range(0, 5).Select(i => (On(2026, 3, 2).AddDays(i), 300m))]);

        var progress = ProgressOf(feed, On(2026, 6, 1));

        Assert.Equal(0m, progress.SpendNeeded);
        Assert.Equal(5, progress.OrdersNeeded);
        Assert.Equal("5 more orders by 2027-03-01 to reach Premium", progress.Describe());
    }

    [Fact]
    public void Either_criterion_reaches_an_OR_tier()
    {
        // Ten orders of 110: Premium; Elite needs 5000 OR 40 orders.
        var feed = Buying(Mixed(), [.. Enumerable.Range(0, 10).Select(i => (On(2026, 3, 2).AddDays(i), 110m))]);

        var progress = ProgressOf(feed, On(2026, 6, 1));

        Assert.Equal("Premium", progress.Tier);
        Assert.Equal(3900m, progress.SpendNeeded);
        Assert.Equal(30, progress.OrdersNeeded);
        Assert.False(progress.Next!.NeedsBoth);
        Assert.Equal("spend 3900.00 or 30 more orders by 2027-03-01 to reach Elite", progress.Describe());
    }

    // ---- keeping the tier ----

    [Fact]
    public void A_due_downgrade_says_what_keeping_the_tier_takes()
    {
        var feed = Buying(null, (T0, 500m));
        // A year on the purchase has left the window: re-qualification fails, 30 days' grace.
        var requalifyAt = T0.AddMonths(12);
        feed.State.AdvanceTo(requalifyAt, feed.Rules);
        Assert.Equal(requalifyAt.AddDays(30), feed.State.Loyalty.DowngradeDueAt);

        var progress = ProgressOf(feed, requalifyAt.AddDays(1));

        Assert.Equal("Silver", progress.Tier);
        Assert.Equal(requalifyAt.AddDays(30), progress.DowngradeDueAt);
        Assert.Equal(new TierGap("Silver", 500m, null, false), progress.Keep);
        Assert.Null(progress.By);
        Assert.Equal("spend 1000.00 more to reach Gold; spend 500.00 more before 2027-12-23 10:00 UTC to keep Silver", progress.Describe());
    }

    [Fact]
    public void A_due_downgrade_on_the_top_tier()
    {
        var feed = Buying(null, (T0, 5000m));
        feed.State.AdvanceTo(T0.AddMonths(12), feed.Rules);

        var progress = ProgressOf(feed, T0.AddMonths(12));

        Assert.Equal("Platinum: top tier; spend 5000.00 more before 2027-12-23 10:00 UTC to keep Platinum", progress.Describe());
    }

    [Fact]
    public void Qualifying_again_before_the_downgrade_is_said()
    {
        var feed = Buying(null, (T0, 500m));
        feed.State.Loyalty.DowngradeDueAt = T0.AddDays(40);

        var progress = ProgressOf(feed, T0.AddDays(10));

        Assert.EndsWith("; qualifies for Silver again (the downgrade due 2027-01-02 10:00 UTC is cancelled at the next evaluation)", progress.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Requalifying_counts_only_the_spend_still_in_the_window_then()
    {
        // A year on, the purchase that reached Silver has left the window.
        var feed = Buying(null, (T0, 700m), (T0.AddDays(100), 200m));

        var progress = ProgressOf(feed, T0.AddDays(101));

        Assert.Equal(T0.AddMonths(12), progress.RequalifyAt);
        Assert.Equal(T0.AddMonths(12), progress.KeepAsOf);
        Assert.Equal(300m, progress.Keep!.SpendNeeded);
        Assert.Null(progress.KeepFrom);
        Assert.Equal("spend 100.00 more by 2027-11-22 to reach Gold; spend 300.00 more before 2027-11-23 10:00 UTC to re-qualify for Silver", progress.Describe());
    }

    [Fact]
    public void A_refund_below_the_threshold_shows_what_requalifying_takes()
    {
        // A refund never lowers the tier, but the customer must qualify again in six months.
        var feed = new CustomerFeed(HalfYearly());
        feed.ApplyAll(Make.Purchase(T0, 500m, orderId: "o-1"), Make.Refund(T0.AddDays(1), "o-1", 100m));

        var progress = ProgressOf(feed, T0.AddDays(2));

        Assert.Equal("Silver", progress.Tier);
        Assert.Equal(T0.AddMonths(6), progress.RequalifyAt);
        Assert.Null(progress.DowngradeDueAt);
        Assert.Equal(100m, progress.Keep!.SpendNeeded);
        Assert.Equal("spend 600.00 more by 2027-11-22 to reach Gold; spend 100.00 more before 2027-05-23 10:00 UTC to re-qualify for Silver", progress.Describe());
    }

    [Fact]
    public void A_met_keep_gap_adds_nothing()
    {
        var feed = Buying(HalfYearly(), (T0, 700m));

        Assert.Equal("spend 300.00 more by 2027-11-22 to reach Gold", ProgressOf(feed, T0.AddDays(1)).Describe());
    }

    [Fact]
    public void A_requalification_period_longer_than_the_window_says_when_spend_starts_to_count()
    {
        var rules = new CustomerRules();
        rules.Loyalty.RequalificationMonths = 24;
        var feed = Buying(rules, (T0, 500m));

        var progress = ProgressOf(feed, T0.AddDays(1));

        // Re-qualification on 2028-11-23; its window opens 364 days before (2028 is a leap year).
        Assert.Equal(new DateOnly(2027, 11, 25), progress.KeepFrom);
        Assert.Equal("spend 500.00 more by 2027-11-22 to reach Gold; spend 500.00 more before 2028-11-23 10:00 UTC (on or after 2027-11-25) to re-qualify for Silver", progress.Describe());
    }

    // ---- a changed ladder ----

    [Fact]
    public void Figures_already_meeting_the_next_tier_are_reported_as_qualifying()
    {
        var feed = Buying(null, (T0, 600m));
        // Silver at 600 under the old ladder; the new one puts Gold at 550.
        var lowered = new CustomerRules();
        lowered.Loyalty.Tiers[2].MinRollingSpend = 550m;

        var progress = TierProgress.For(feed.State, T0.AddDays(1), lowered)!;

        Assert.Equal(0m, progress.SpendNeeded);
        Assert.StartsWith("qualifies for Gold (applied at the next evaluation)", progress.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_tier_the_ladder_no_longer_has_counts_from_where_the_figures_place_the_customer()
    {
        var feed = Buying(null, (T0, 1200m));
        feed.State.Loyalty.Tier = "Diamond";

        var progress = ProgressOf(feed, T0.AddDays(1));

        Assert.Equal("Diamond", progress.Tier);
        Assert.Equal("Platinum", progress.NextTier);
        Assert.Equal(3800m, progress.SpendNeeded);
        Assert.Null(progress.Keep);
    }

    [Fact]
    public void An_empty_ladder_has_no_progress()
    {
        var rules = new CustomerRules();
        rules.Loyalty.Tiers.Clear();

        Assert.Null(TierProgress.For(new CustomerState(), T0, rules));
    }

    [Fact]
    public void The_qualification_window_is_the_loyalty_one()
    {
        var rules = new CustomerRules { RollingWindowDays = 30 };
        rules.Loyalty.QualificationWindowDays = 90;
        var feed = Buying(rules, (T0, 100m), (T0.AddDays(60), 100m));

        var progress = ProgressOf(feed, T0.AddDays(61));

        Assert.Equal(90, progress.WindowDays);
        Assert.Equal(200m, progress.RollingSpend);
        Assert.Equal(DateOnly.FromDateTime(T0.UtcDateTime).AddDays(89), progress.By);
    }

    [Fact]
    public void Progress_survives_the_Orleans_serializer()
    {
        var feed = Buying(Mixed(), [.. Enumerable.Range(0, 5).Select(i => (T0.AddDays(i), 154m))]);
        var progress = ProgressOf(feed, T0.AddDays(10));

        using var services = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(TierProgress).Assembly)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();

        Assert.Equal(progress, serializer.Deserialize<TierProgress>(serializer.SerializeToArray(progress)));
    }
}

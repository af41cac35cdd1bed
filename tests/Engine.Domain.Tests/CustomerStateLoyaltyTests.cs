using Engine.Domain.Customers;
using Engine.Domain.Events;
using Engine.Domain.Loyalty;
using Engine.Domain.Processing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class CustomerStateLoyaltyTests
{
    private static readonly DateTimeOffset T0 = Make.T0;

    /// <summary>
    /// What the grain does with its durable reminder, on a fake clock: wake at the next due
    /// instant, advance, take the effects; no events arrive meanwhile.
    /// </summary>
    private static List<(DateTimeOffset At, LoyaltyEffect Effect)> RunClock(CustomerFeed feed, DateTimeOffset until)
    {
        var log = new List<(DateTimeOffset, LoyaltyEffect)>();
        var wakeUps = 0;
        while (feed.State.NextLoyaltyDueAt(feed.Rules) is { } due && due <= until)
        {
            feed.State.AdvanceTo(due, feed.Rules);
            log.AddRange(feed.State.TakeLoyaltyEffects().Select(e => (due, e)));
            // After advancing, what is next lies in the future: the reminder never spins.
            Assert.True(feed.State.NextLoyaltyDueAt(feed.Rules) is not { } next || next > due);
            Assert.True(++wakeUps < 1000);
        }

        return log;
    }

    private static TierChange Upgrade(string from, string to, DateTimeOffset at) =>
        new(Make.CustomerId, from, to, TierChangeReasons.RollingSpend, at, IsUpgrade: true);

    // ---- purchases ----

    [Fact]
    public void A_purchase_earns_at_the_held_tier_and_the_crossing_purchase_upgrades_for_the_next_one()
    {
        var feed = new CustomerFeed();

        feed.ApplyAll(Make.Purchase(T0, 400m));
        Assert.Empty(feed.State.TakeLoyaltyEffects());
        Assert.Equal("Bronze", feed.State.Loyalty.Tier);

        feed.ApplyAll(Make.Purchase(T0.AddDays(1), 200m));
        Assert.Equal([Upgrade("Bronze", "Silver", T0.AddDays(1))], feed.State.TakeLoyaltyEffects());

        feed.ApplyAll(Make.Purchase(T0.AddDays(2), 100m));

        // 400 + 200 at Bronze (the crossing purchase too), then 100 × 1.25 at Silver.
        Assert.Equal(725, feed.State.Loyalty.Balance);
        Assert.Equal([400L, 200L, 125L], feed.State.Loyalty.Lots.Select(l => l.Earned));
        Assert.Empty(feed.State.TakeLoyaltyEffects());
    }

    [Fact]
    public void A_late_purchase_that_crosses_the_threshold_upgrades_on_arrival()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0.AddDays(10), 400m));

        // Happened before the first one, arrived after it: together they reach Silver as of the newest purchase.
        feed.ApplyAll(Make.Purchase(T0, 200m));

        Assert.Equal([Upgrade("Bronze", "Silver", T0.AddDays(10))], feed.State.TakeLoyaltyEffects());
    }

    [Fact]
    public void Points_are_earned_on_the_base_currency_amount()
    {
        var feed = new CustomerFeed(new CustomerRules { ExchangeRates = { ["EUR"] = 1.10m } });

        feed.ApplyAll(Make.Purchase(T0, 102.40m, currency: "EUR"));

        Assert.Equal(112, feed.State.Loyalty.Balance);
    }

    [Fact]
    public void A_refused_purchase_earns_nothing()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, 100m, orderId: "o-1"));

        feed.Apply(Make.Purchase(T0, 100m, orderId: "o-1"));
        feed.Apply(Make.Purchase(T0, 100m, currency: "GBP"));

        Assert.Equal(100, feed.State.Loyalty.Balance);
    }

    [Fact]
    public void The_order_criterion_counts_orders_in_the_qualification_window()
    {
        var rules = new CustomerRules
        {
            Loyalty = new LoyaltyRules { Tiers = [new() { Name = "Member" }, new() { Name = "Regular", MinOrders = 3 }], QualificationWindowDays = 30 },
        };
        var feed = new CustomerFeed(rules);

        feed.ApplyAll(Make.Purchase(T0.AddDays(-40), 1m), Make.Purchase(T0.AddDays(-20), 1m), Make.Purchase(T0.AddDays(-1), 1m));
        Assert.Equal("Member", feed.State.Loyalty.Tier);

        feed.ApplyAll(Make.Purchase(T0, 1m));

        Assert.Equal(3, feed.State.Value.RollingOrders(T0, 30));
        var change = Assert.IsType<TierChange>(Assert.Single(feed.State.TakeLoyaltyEffects()));
        Assert.Equal(("Member", "Regular", TierChangeReasons.Orders), (change.From, change.To, change.Reason));
    }

    [Fact]
    public void The_qualification_window_keeps_daily_spend_long_enough_even_with_a_shorter_rolling_window()
    {
        var rules = new CustomerRules { RollingWindowDays = 30 };
        var feed = new CustomerFeed(rules);

        feed.ApplyAll(Make.Purchase(T0.AddDays(-200), 600m), Make.Purchase(T0, 500m));

        Assert.Equal(500m, feed.State.Value.RollingSpend(T0, 30));
        Assert.Equal(1100m, feed.State.Value.RollingSpend(T0, 365));
        Assert.Equal("Gold", feed.State.Loyalty.Tier);
    }

    // ---- redemptions and adjustments ----

    [Fact]
    public void A_redemption_spends_points()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, 300m));

        feed.ApplyAll(Make.Redeem(T0.AddDays(1), 120));

        Assert.Equal(180, feed.State.Loyalty.Balance);
        Assert.Equal(120, feed.State.Loyalty.Redeemed);
    }

    [Fact]
    public void A_redemption_larger_than_the_balance_is_refused_as_insufficient_points_and_changes_nothing()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, 300m));
        var redemption = Make.Redeem(T0.AddDays(1), 301);

        var outcome = feed.Apply(redemption);

        Assert.Equal(ApplyOutcome.Reject(RejectionReasons.InsufficientPoints), outcome);
        Assert.Equal(300, feed.State.Loyalty.Balance);
        Assert.Equal(0, feed.State.Loyalty.Redeemed);
        Assert.Equal(1, feed.State.EventsApplied);
        // Recorded like any refusal: the same event again is a duplicate, not a second refusal.
        Assert.Equal(ApplyOutcome.Duplicate, feed.Apply(redemption));
    }

    [Fact]
    public void A_retried_redemption_is_spent_once()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, 300m));
        var redemption = Make.Redeem(T0.AddDays(1), 100, eventId: "evt-r");

        feed.ApplyAll(redemption);
        Assert.Equal(ApplyOutcome.Duplicate, feed.Apply(redemption));

        Assert.Equal(200, feed.State.Loyalty.Balance);
    }

    [Fact]
    public void A_grant_and_a_removal_are_applied()
    {
        var feed = new CustomerFeed();

        feed.ApplyAll(Make.Adjust(T0, 500, eventId: "evt-g"), Make.Adjust(T0.AddDays(1), -120));

        Assert.Equal(380, feed.State.Loyalty.Balance);
        Assert.Equal("adjust:evt-g", Assert.Single(feed.State.Loyalty.Lots).LotId);
        Assert.Equal((500L, 120L), (feed.State.Loyalty.AdjustedIn, feed.State.Loyalty.AdjustedOut));
    }

    [Fact]
    public void A_removal_larger_than_the_balance_is_refused_as_insufficient_points()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Adjust(T0, 50));

        Assert.Equal(ApplyOutcome.Reject(RejectionReasons.InsufficientPoints), feed.Apply(Make.Adjust(T0.AddDays(1), -51)));
        Assert.Equal(50, feed.State.Loyalty.Balance);
    }

    // ---- refunds ----

    [Fact]
    public void A_refund_of_an_unknown_order_is_refused()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, 100m, orderId: "o-1"));

        Assert.Equal(ApplyOutcome.Reject(RejectionReasons.UnknownOrder), feed.Apply(Make.Refund(T0, "o-2", 10m)));
    }

    [Fact]
    public void A_refund_of_an_order_remembered_only_by_id_from_older_state_is_an_unknown_order_but_still_a_duplicate()
    {
        var feed = new CustomerFeed();
        feed.State.Value.RecentOrderIds.Add("legacy");

        Assert.Equal(ApplyOutcome.Reject(RejectionReasons.UnknownOrder), feed.Apply(Make.Refund(T0, "legacy", 10m)));
        Assert.Equal(ApplyOutcome.Reject(RejectionReasons.DuplicateOrder), feed.Apply(Make.Purchase(T0, 10m, orderId: "legacy")));
    }

    [Fact]
    public void Partial_refunds_add_up_and_may_not_exceed_the_order()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, 100m, orderId: "o-1"));

        feed.ApplyAll(Make.Refund(T0.AddDays(1), "o-1", 40m), Make.Refund(T0.AddDays(2), "o-1", 60m), Make.Refund(T0.AddDays(3), "o-1", 0m));
        var outcome = feed.Apply(Make.Refund(T0.AddDays(4), "o-1", 0.01m));

        Assert.Equal(ApplyOutcome.Reject(RejectionReasons.RefundExceedsOrder), outcome);
        Assert.Equal(0m, feed.State.Value.LifetimeSpend);
        Assert.Equal(0, feed.State.Loyalty.Balance);
        Assert.Equal(100, feed.State.Loyalty.Refunded);
    }

    [Fact]
    public void A_single_refund_larger_than_the_order_is_refused_and_changes_nothing()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, 100m, orderId: "o-1"));

        Assert.Equal(ApplyOutcome.Reject(RejectionReasons.RefundExceedsOrder), feed.Apply(Make.Refund(T0, "o-1", 100.01m)));
        Assert.Equal(100m, feed.State.Value.LifetimeSpend);
        Assert.Equal(100, feed.State.Loyalty.Balance);
    }

    [Fact]
    public void A_refund_reverses_spend_but_keeps_the_order_counted()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0.AddDays(-3), 50m), Make.Purchase(T0, 200m, orderId: "o-1"));

        feed.ApplyAll(Make.Refund(T0.AddDays(1), "o-1", 80m));

        var value = feed.State.Value;
        Assert.Equal(170m, value.LifetimeSpend);
        Assert.Equal(170m, value.RollingSpend(T0.AddDays(1), 365));
        Assert.Equal(2, value.Orders);
        Assert.Equal(2, value.RollingOrders(T0.AddDays(1), 365));
        Assert.Equal((80m, 80m), (value.FindOrder("o-1")!.Refunded, value.FindOrder("o-1")!.RefundedInBase));
        // 200 points earned, 80/200 of them reversed from the order's own lot.
        Assert.Equal(120, feed.State.Loyalty.Lots.Single(l => l.OrderId == "o-1").Remaining);
        Assert.Equal(50, feed.State.Loyalty.Lots.Single(l => l.OrderId != "o-1").Remaining);
    }

    [Fact]
    public void A_refund_in_the_orders_currency_is_compared_as_paid_whatever_the_rate_is_now()
    {
        var rules = new CustomerRules { ExchangeRates = { ["EUR"] = 1.10m } };
        var feed = new CustomerFeed(rules);
        feed.ApplyAll(Make.Purchase(T0, 100m, orderId: "o-1", currency: "EUR"));
        rules.ExchangeRates["EUR"] = 1.20m;

        feed.ApplyAll(Make.Refund(T0.AddDays(1), "o-1", 50m, "EUR"), Make.Refund(T0.AddDays(2), "o-1", 50m, "EUR"));

        Assert.Equal(0m, feed.State.Value.LifetimeSpend);
        Assert.Equal(0, feed.State.Loyalty.Balance);
    }

    [Fact]
    public void A_refund_in_another_currency_is_compared_in_the_base_currency()
    {
        var rules = new CustomerRules { ExchangeRates = { ["EUR"] = 1.10m } };
        var feed = new CustomerFeed(rules);
        feed.ApplyAll(Make.Purchase(T0, 100m, orderId: "o-1", currency: "EUR")); // 110.00 USD

        feed.ApplyAll(Make.Refund(T0.AddDays(1), "o-1", 55m, "USD"));

        Assert.Equal(55m, feed.State.Value.LifetimeSpend);
        Assert.Equal(50m, feed.State.Value.FindOrder("o-1")!.Refunded);
        Assert.Equal(ApplyOutcome.Reject(RejectionReasons.RefundExceedsOrder), feed.Apply(Make.Refund(T0.AddDays(2), "o-1", 55.01m, "USD")));
        Assert.Equal(ApplyOutcome.Reject(RejectionReasons.CurrencyNotAccepted), feed.Apply(Make.Refund(T0.AddDays(2), "o-1", 1m, "GBP")));
    }

    [Fact]
    public void A_refund_of_spent_points_takes_from_the_rest_and_records_the_shortfall()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, 100m, orderId: "o-1"), Make.Purchase(T0.AddDays(1), 30m, orderId: "o-2"), Make.Redeem(T0.AddDays(2), 100));

        feed.ApplyAll(Make.Refund(T0.AddDays(3), "o-1", 100m));

        Assert.Equal(0, feed.State.Loyalty.Balance);
        Assert.Equal(30, feed.State.Loyalty.Refunded);
        Assert.Equal(70, feed.State.Loyalty.Shortfall);
    }

    [Fact]
    public void A_refund_never_downgrades_at_once_only_requalification_does()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, 1200m, orderId: "o-1"));
        Assert.Equal([Upgrade("Bronze", "Gold", T0)], feed.State.TakeLoyaltyEffects());

        feed.ApplyAll(Make.Refund(T0.AddDays(1), "o-1", 1200m));

        Assert.Equal("Gold", feed.State.Loyalty.Tier);
        Assert.Empty(feed.State.TakeLoyaltyEffects());

        var log = RunClock(feed, T0.AddYears(3));

        var requalifyAt = T0.AddMonths(12);
        var downgrade = new TierChange(Make.CustomerId, "Gold", "Bronze", TierChangeReasons.Requalification, requalifyAt.AddDays(30), false);
        Assert.Equal([(requalifyAt.AddDays(30), (LoyaltyEffect)downgrade)], log);
    }

    // ---- time passing with no events ----

    [Fact]
    public void A_lot_reaches_its_reminder_dates_and_its_expiry_with_no_events()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, 80m, orderId: "o-1"));
        var expiry = T0.AddMonths(12);

        var log = RunClock(feed, T0.AddYears(3));

        Assert.Equal(
            [
                (expiry.AddDays(-14), new ExpiryReminder("order:o-1", 14, 80, expiry)),
                (expiry.AddDays(-3), new ExpiryReminder("order:o-1", 3, 80, expiry)),
                (expiry, (LoyaltyEffect)new PointsExpired("order:o-1", 80, expiry)),
            ],
            log);
        Assert.Equal(0, feed.State.Loyalty.Balance);
        Assert.Equal(80, feed.State.Loyalty.Expired);
        Assert.Null(feed.State.NextLoyaltyDueAt(feed.Rules));
    }

    [Fact]
    public void A_lot_spent_between_its_reminders_cancels_the_rest()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, 80m), Make.Purchase(T0.AddMonths(2), 20m));
        var expiry = T0.AddMonths(12);

        var before = RunClock(feed, expiry.AddDays(-10));
        feed.ApplyAll(Make.Redeem(expiry.AddDays(-9), 80));
        var after = RunClock(feed, expiry.AddDays(1));

        Assert.Equal([14], before.Select(e => ((ExpiryReminder)e.Effect).DaysBefore));
        Assert.Empty(after);
        Assert.Equal(T0.AddMonths(14).AddDays(-14), feed.State.NextLoyaltyDueAt(feed.Rules));
    }

    [Fact]
    public void A_downgrade_happens_at_requalification_with_no_events()
    {
        var feed = new CustomerFeed(new CustomerRules { Loyalty = new LoyaltyRules { ExpiryReminderDays = [] } });
        feed.ApplyAll(Make.Purchase(T0, 5000m));
        Assert.Equal([Upgrade("Bronze", "Platinum", T0)], feed.State.TakeLoyaltyEffects());

        var log = RunClock(feed, T0.AddYears(3));

        var due = T0.AddMonths(12).AddDays(30);
        Assert.Equal(
            [
                (T0.AddMonths(12), (LoyaltyEffect)new PointsExpired("order:" + feed.State.Value.RecentOrders[0].OrderId, 5000, T0.AddMonths(12))),
                (due, new TierChange(Make.CustomerId, "Platinum", "Bronze", TierChangeReasons.Requalification, due, false)),
            ],
            log);
        Assert.Equal("Bronze", feed.State.Loyalty.Tier);
    }

    [Fact]
    public void A_customer_who_keeps_qualifying_keeps_the_tier()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, 1000m));
        feed.State.TakeLoyaltyEffects();

        var log = new List<(DateTimeOffset, LoyaltyEffect)>();
        for (var month = 1; month <= 30; month++)
        {
            log.AddRange(RunClock(feed, T0.AddMonths(month)));
            feed.ApplyAll(Make.Purchase(T0.AddMonths(month), 100m));
            log.AddRange(feed.State.TakeLoyaltyEffects().Select(e => (T0.AddMonths(month), e)));
        }

        Assert.DoesNotContain(log, e => e.Item2 is TierChange);
        Assert.Equal("Gold", feed.State.Loyalty.Tier);
        Assert.Equal(T0.AddMonths(36), feed.State.Loyalty.RequalifyAt);
    }

    [Fact]
    public void Advancing_twice_to_the_same_instant_produces_nothing_more()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, 80m));
        var at = T0.AddMonths(12).AddDays(-3);

        feed.State.AdvanceTo(at, feed.Rules);
        var first = feed.State.TakeLoyaltyEffects();
        feed.State.AdvanceTo(at, feed.Rules);

        Assert.Single(first);
        Assert.Empty(feed.State.TakeLoyaltyEffects());
    }

    [Fact]
    public void A_customer_without_loyalty_activity_is_left_alone()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Click(ClickAction.PageView, T0), Make.Profile(T0));

        feed.State.AdvanceTo(T0.AddYears(2), feed.Rules);

        Assert.Null(feed.State.Loyalty.Tier);
        Assert.Empty(feed.State.TakeLoyaltyEffects());
        Assert.Null(feed.State.NextLoyaltyDueAt(feed.Rules));
    }

    [Fact]
    public void Taking_the_effects_forgets_them()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, 600m));

        Assert.Single(feed.State.TakeLoyaltyEffects());
        Assert.Empty(feed.State.TakeLoyaltyEffects());
    }

    // ---- the documented example and persistence ----

    [Fact]
    public void The_documented_loyalty_example_ends_Gold_with_565_points()
    {
        // docs/examples/loyalty-events.jsonl, as the parser reads it.
        var feed = new CustomerFeed();
        var at = (string s) => DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

        feed.ApplyAll(
            Make.Purchase(at("2026-03-02T12:00:00Z"), 620.00m, orderId: "ord-700101"),
            Make.Purchase(at("2026-04-10T15:30:00Z"), 450.00m, orderId: "ord-700102"),
            Make.Redeem(at("2026-04-20T09:00:00Z"), 500),
            Make.Refund(at("2026-04-22T10:00:00Z"), "ord-700102", 150.00m),
            Make.Adjust(at("2026-05-01T08:00:00Z"), 100, eventId: "evt-c2001-0005"),
            Make.Adjust(at("2026-05-02T08:00:00Z"), -30));

        var loyalty = feed.State.Loyalty;
        Assert.Equal(565, loyalty.Balance);
        Assert.Equal("Gold", loyalty.Tier);
        Assert.Equal([("order:ord-700101", 90L), ("order:ord-700102", 375L), ("adjust:evt-c2001-0005", 100L)], loyalty.Lots.Select(l => (l.LotId, l.Remaining)));
        Assert.Equal((1182L, 500L, 187L, 100L, 30L), (loyalty.Earned, loyalty.Redeemed, loyalty.Refunded, loyalty.AdjustedIn, loyalty.AdjustedOut));
        Assert.Equal(920m, feed.State.Value.LifetimeSpend);
        Assert.Equal(["Silver", "Gold"], feed.State.TakeLoyaltyEffects().OfType<TierChange>().Select(c => c.To));
    }

    [Fact]
    public void Loyalty_state_survives_the_Orleans_serializer()
    {
        var feed = new CustomerFeed(new CustomerRules { ExchangeRates = { ["EUR"] = 1.10m } });
        feed.ApplyAll(
            Make.Purchase(T0, 1200m, orderId: "o-1", currency: "EUR"),
            Make.Refund(T0.AddDays(1), "o-1", 100m, "EUR"),
            Make.Redeem(T0.AddDays(2), 10),
            Make.Adjust(T0.AddDays(3), 5));
        feed.State.AdvanceTo(T0.AddMonths(12).AddDays(-14), feed.Rules);
        Assert.NotEmpty(feed.State.TakeLoyaltyEffects());
        feed.State.AdvanceTo(T0.AddMonths(12).AddDays(-13), feed.Rules); // leaves nothing pending

        using var services = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(CustomerState).Assembly)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var copy = serializer.Deserialize<CustomerState>(serializer.SerializeToArray(feed.State))!;

        var original = feed.State;
        Assert.Equal(original.Loyalty.Tier, copy.Loyalty.Tier);
        Assert.Equal(original.Loyalty.RequalifyAt, copy.Loyalty.RequalifyAt);
        Assert.Equal(original.Loyalty.Balance, copy.Loyalty.Balance);
        Assert.Equal(
            original.Loyalty.Lots.Select(l => (l.LotId, l.Source, l.OrderId, l.Earned, l.Remaining, l.EarnedAt, l.ExpiresAt, l.Reversed, l.RefundedInBase)),
            copy.Loyalty.Lots.Select(l => (l.LotId, l.Source, l.OrderId, l.Earned, l.Remaining, l.EarnedAt, l.ExpiresAt, l.Reversed, l.RefundedInBase)));
        Assert.Equal(original.Loyalty.SentReminders, copy.Loyalty.SentReminders);
        Assert.Equal(
            (original.Loyalty.Earned, original.Loyalty.Redeemed, original.Loyalty.Refunded, original.Loyalty.AdjustedIn, original.Loyalty.LastActivityAt),
            (copy.Loyalty.Earned, copy.Loyalty.Redeemed, copy.Loyalty.Refunded, copy.Loyalty.AdjustedIn, copy.Loyalty.LastActivityAt));
        Assert.Equal(original.Value.RecentOrders, copy.Value.RecentOrders);
        Assert.Equal(original.Value.DailySpend, copy.Value.DailySpend);
        Assert.Equal(1, copy.Value.RollingOrders(T0, 365));

        // Effects travel too (the grain may keep them in an outbox).
        var change = new TierChange("c-1", "Gold", "Silver", TierChangeReasons.Requalification, T0, false);
        Assert.Equal<LoyaltyEffect>(change, serializer.Deserialize<LoyaltyEffect>(serializer.SerializeToArray<LoyaltyEffect>(change)));
    }
}

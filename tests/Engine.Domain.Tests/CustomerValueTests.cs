using Engine.Domain.Customers;
using Engine.Domain.Events;
using Engine.Domain.Processing;
using Engine.Domain.Value;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class CustomerValueTests
{
    private static readonly DateTimeOffset T0 = Make.T0;

    [Fact]
    public void Lifetime_spend_and_orders_add_up_every_purchase()
    {
        var feed = new CustomerFeed();

        feed.ApplyAll(Make.Purchase(T0, 10.00m), Make.Purchase(T0.AddDays(1), 20.01m), Make.Purchase(T0.AddDays(2), 0m));

        Assert.Equal(30.01m, feed.State.Value.LifetimeSpend);
        Assert.Equal(3, feed.State.Value.Orders);
    }

    [Fact]
    public void Average_order_value_is_rounded_to_cents()
    {
        var feed = new CustomerFeed();

        // 30.02 / 3 = 10.00666…: rounded, not truncated.
        feed.ApplyAll(Make.Purchase(T0, 10.00m), Make.Purchase(T0, 10.01m), Make.Purchase(T0, 10.01m));

        Assert.Equal(10.01m, feed.State.Value.AverageOrderValue);
    }

    [Fact]
    public void Average_order_value_is_zero_before_the_first_order()
    {
        Assert.Equal(0m, new CustomerValue().AverageOrderValue);
    }

    [Fact]
    public void First_and_last_purchase_follow_occurred_at_not_arrival_order()
    {
        var feed = new CustomerFeed();

        // The older purchase arrives after the newer one.
        feed.ApplyAll(Make.Purchase(T0.AddDays(10)), Make.Purchase(T0), Make.Purchase(T0.AddDays(5)));

        Assert.Equal(T0, feed.State.Value.FirstPurchaseAt);
        Assert.Equal(T0.AddDays(10), feed.State.Value.LastPurchaseAt);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(364, true)]
    [InlineData(365, false)]
    [InlineData(366, false)]
    public void Rolling_spend_counts_the_last_365_days_including_the_day_of_as_of(int daysBeforeAsOf, bool counted)
    {
        var asOf = T0;
        var value = new CustomerValue();
        value.RecordPurchase(Make.Purchase(asOf.AddDays(-daysBeforeAsOf), 25m), 25m, rollingWindowDays: 365);

        Assert.Equal(counted ? 25m : 0m, value.RollingSpend(asOf, 365));
        Assert.Equal(25m, value.LifetimeSpend);
    }

    [Fact]
    public void Rolling_spend_sums_only_the_purchases_inside_the_window()
    {
        var feed = new CustomerFeed();
        var asOf = T0;

        feed.ApplyAll(
            Make.Purchase(asOf.AddDays(-364), 1m),
            Make.Purchase(asOf.AddDays(-365), 100m),
            Make.Purchase(asOf.AddDays(-10), 2m),
            Make.Purchase(asOf, 4m));

        Assert.Equal(7m, feed.State.Value.RollingSpend(asOf, 365));
        Assert.Equal(107m, feed.State.Value.LifetimeSpend);
    }

    [Fact]
    public void Rolling_window_length_comes_from_the_rules()
    {
        var feed = new CustomerFeed(new CustomerRules { RollingWindowDays = 30 });
        var asOf = T0;

        feed.ApplyAll(
            Make.Purchase(asOf, 4m),
            Make.Purchase(asOf.AddDays(-29), 5m),
            // Older than the window relative to purchases already kept: arrives late, counts for lifetime only.
            Make.Purchase(asOf.AddDays(-30), 7m));

        Assert.Equal(9m, feed.State.Value.RollingSpend(asOf, feed.Rules.RollingWindowDays));
        Assert.Equal(16m, feed.State.Value.LifetimeSpend);
    }

    [Fact]
    public void Rolling_spend_moves_with_as_of()
    {
        var value = new CustomerValue();
        value.RecordPurchase(Make.Purchase(T0, 25m), 25m, 365);

        Assert.Equal(0m, value.RollingSpend(T0.AddDays(-1), 365));
        Assert.Equal(25m, value.RollingSpend(T0.AddDays(364), 365));
        Assert.Equal(0m, value.RollingSpend(T0.AddDays(365), 365));
    }

    [Fact]
    public void Purchase_days_are_distinct_UTC_days_and_frequency_is_repeat_days()
    {
        var feed = new CustomerFeed();

        feed.ApplyAll(
            Make.Purchase(new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero)),
            Make.Purchase(new DateTimeOffset(2026, 11, 23, 23, 0, 0, TimeSpan.Zero)),
            // 20:00 in New York on the 23rd is 01:00 UTC on the 24th: a second day.
            Make.Purchase(new DateTimeOffset(2026, 11, 23, 20, 0, 0, TimeSpan.FromHours(-5))),
            // 00:30 in Paris on the 24th is still the 23rd in UTC.
            Make.Purchase(new DateTimeOffset(2026, 11, 24, 0, 30, 0, TimeSpan.FromHours(1))));

        Assert.Equal(
            [new DateOnly(2026, 11, 23).DayNumber, new DateOnly(2026, 11, 24).DayNumber],
            feed.State.Value.PurchaseDays);
        Assert.Equal(4, feed.State.Value.Orders);
        Assert.Equal(1, feed.State.Value.Frequency);
    }

    [Fact]
    public void Frequency_is_zero_for_none_or_one_purchase_day()
    {
        var feed = new CustomerFeed();
        Assert.Equal(0, feed.State.Value.Frequency);

        feed.ApplyAll(Make.Purchase(T0), Make.Purchase(T0.AddHours(1)));

        Assert.Equal(0, feed.State.Value.Frequency);
    }

    [Fact]
    public void Recency_is_whole_UTC_days_since_the_last_purchase()
    {
        var feed = new CustomerFeed();
        Assert.Null(feed.State.Value.RecencyDays(T0));

        feed.ApplyAll(Make.Purchase(T0.AddDays(-20)), Make.Purchase(T0.AddDays(-3)), Make.Purchase(T0.AddDays(-9)));

        Assert.Equal(3, feed.State.Value.RecencyDays(T0));
        // Calendar days, not 24-hour periods: 23:59 UTC the same day is still 0, 00:01 the next is 1.
        Assert.Equal(0, feed.State.Value.RecencyDays(T0.AddDays(-3).AddHours(13).AddMinutes(59)));
        Assert.Equal(1, feed.State.Value.RecencyDays(T0.AddDays(-3).AddHours(14).AddMinutes(1)));
        // Never negative for an asOf before the last purchase.
        Assert.Equal(0, feed.State.Value.RecencyDays(T0.AddDays(-5)));
    }

    [Fact]
    public void Purchase_in_another_currency_is_converted_with_the_configured_rate()
    {
        var feed = new CustomerFeed(new CustomerRules { ExchangeRates = { ["EUR"] = 1.10m } });

        var outcome = feed.Apply(Make.Purchase(T0, 102.40m, currency: "EUR"));

        Assert.Equal(ApplyStatus.Applied, outcome.Status);
        Assert.Equal(112.64m, feed.State.Value.LifetimeSpend);
        Assert.Equal(112.64m, feed.State.Value.RollingSpend(T0, 365));
    }

    [Fact]
    public void Converted_amount_is_rounded_to_cents()
    {
        var rules = new CustomerRules { ExchangeRates = { ["EUR"] = 1.0851m } };

        // 33.33 × 1.0851 = 36.166383
        Assert.Equal(36.17m, rules.ToBaseCurrency(33.33m, "EUR"));
    }

    [Fact]
    public void Purchase_in_the_base_currency_needs_no_rate()
    {
        var rules = new CustomerRules { BaseCurrency = "EUR" };

        Assert.Equal(12.34m, rules.ToBaseCurrency(12.34m, "EUR"));
        Assert.Null(rules.ToBaseCurrency(12.34m, "USD"));
    }

    [Fact]
    public void Purchase_in_a_currency_without_a_rate_is_refused_and_changes_nothing()
    {
        var feed = new CustomerFeed(new CustomerRules { ExchangeRates = { ["EUR"] = 1.10m } });
        feed.ApplyAll(Make.Purchase(T0, 50m), Make.AddToCart(T0, "SKU-A", 1, 10m));
        var score = feed.State.Engagement.ScoreAt(T0.AddDays(1), feed.Rules.Engagement);

        var outcome = feed.Apply(Make.Purchase(T0.AddHours(1), 20m, currency: "GBP", items: [Make.Line("SKU-A")]));

        Assert.Equal(ApplyStatus.Rejected, outcome.Status);
        Assert.Equal(RejectionReasons.CurrencyNotAccepted, outcome.Reason);
        Assert.Equal(50m, feed.State.Value.LifetimeSpend);
        Assert.Equal(1, feed.State.Value.Orders);
        Assert.Equal(T0, feed.State.Value.LastPurchaseAt);
        Assert.Equal(50m, feed.State.Value.RollingSpend(T0.AddDays(1), 365));
        Assert.Equal(score, feed.State.Engagement.ScoreAt(T0.AddDays(1), feed.Rules.Engagement));
        Assert.Equal("SKU-A", Assert.Single(feed.State.Cart.Lines).Sku);
        Assert.Equal(2, feed.State.EventsApplied);
    }

    [Fact]
    public void Same_order_under_a_new_event_id_is_refused_as_duplicate_order_and_not_counted_twice()
    {
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, 40m, orderId: "ord-1", eventId: "evt-1"));
        var score = feed.State.Engagement.ScoreAt(T0.AddDays(1), feed.Rules.Engagement);

        var outcome = feed.Apply(Make.Purchase(T0.AddDays(1), 40m, orderId: "ord-1", eventId: "evt-2"));

        Assert.Equal(ApplyStatus.Rejected, outcome.Status);
        Assert.Equal(RejectionReasons.DuplicateOrder, outcome.Reason);
        Assert.Equal(40m, feed.State.Value.LifetimeSpend);
        Assert.Equal(1, feed.State.Value.Orders);
        Assert.Equal(T0, feed.State.Value.LastPurchaseAt);
        Assert.Single(feed.State.Value.PurchaseDays);
        Assert.Equal(40m, feed.State.Value.RollingSpend(T0.AddDays(1), 365));
        Assert.Equal(score, feed.State.Engagement.ScoreAt(T0.AddDays(1), feed.Rules.Engagement));
        Assert.Equal(1, feed.State.EventsApplied);
    }

    [Fact]
    public void Duplicate_order_is_detected_beyond_the_orders_remembered_for_refunds()
    {
        // The ring of RecentOrderCapacity bounds refunds; the business keys (Rules:Dedupe) keep order ids longer.
        var feed = new CustomerFeed();
        feed.ApplyAll(Make.Purchase(T0, orderId: "ord-first"));
        for (var i = 0; i < CustomerValue.RecentOrderCapacity - 1; i++)
        {
            feed.ApplyAll(Make.Purchase(T0));
        }

        Assert.Equal(RejectionReasons.DuplicateOrder, feed.Apply(Make.Purchase(T0, orderId: "ord-first")).Reason);

        feed.ApplyAll(Make.Purchase(T0));

        Assert.Equal(RejectionReasons.DuplicateOrder, feed.Apply(Make.Purchase(T0, orderId: "ord-first")).Reason);
    }

    [Fact]
    public void Order_ids_from_older_state_are_forgotten_first_and_share_the_ring()
    {
        // State written before refunds existed remembers orders by id only.
        var value = new CustomerValue { RecentOrderIds = [.. Enumerable.Range(0, CustomerValue.RecentOrderCapacity).Select(i => $"old-{i}")] };

        value.RecordPurchase(Make.Purchase(T0, 10m, orderId: "new-0"), 10m, 365);
        value.RecordPurchase(Make.Purchase(T0, 10m, orderId: "new-1"), 10m, 365);

        Assert.False(value.HasOrder("old-0"));
        Assert.False(value.HasOrder("old-1"));
        Assert.True(value.HasOrder("old-2"));
        Assert.True(value.HasOrder("new-1"));
        Assert.Equal(CustomerValue.RecentOrderCapacity, value.RecentOrderIds.Count + value.RecentOrders.Count);
        Assert.Equal(new OrderRecord("new-0", 10m, "USD", 10m, T0), value.FindOrder("new-0"));
    }

    [Fact]
    public void Rolling_orders_counts_orders_per_UTC_day_in_the_window()
    {
        var value = new CustomerValue();
        foreach (var days in new[] { 0, 0, -1, -364, -365 })
        {
            value.RecordPurchase(Make.Purchase(T0.AddDays(days)), 10m, 400);
        }

        Assert.Equal(4, value.RollingOrders(T0, 365));
        Assert.Equal(2, value.RollingOrders(T0, 1));
        Assert.Equal(0, value.RollingOrders(T0.AddDays(-366), 365));
    }

    [Property]
    public Property Any_arrival_order_gives_the_same_value() =>
        Prop.ForAll(PurchaseHistories().ToArbitrary(), history =>
        {
            var inOrder = Replay(history.Purchases, history.WindowDays);
            var shuffled = Replay(history.Arrival.Select(i => history.Purchases[i]), history.WindowDays);

            Assert.Equal(inOrder.LifetimeSpend, shuffled.LifetimeSpend);
            Assert.Equal(inOrder.Orders, shuffled.Orders);
            Assert.Equal(inOrder.FirstPurchaseAt, shuffled.FirstPurchaseAt);
            Assert.Equal(inOrder.LastPurchaseAt, shuffled.LastPurchaseAt);
            Assert.Equal(inOrder.PurchaseDays, shuffled.PurchaseDays);
            Assert.Equal(history.Purchases.Sum(p => p.Amount), shuffled.LifetimeSpend);
            Assert.Equal(history.Purchases.Min(p => p.OccurredAt), shuffled.FirstPurchaseAt);
            Assert.Equal(history.Purchases.Max(p => p.OccurredAt), shuffled.LastPurchaseAt);
            // Days are kept one by one within PurchaseDayWindow of the newest, the older ones counted.
            var days = history.Purchases.Select(p => CustomerValue.DayNumber(p.OccurredAt)).Distinct().Order().ToList();
            Assert.Equal(days.Where(d => d > days[^1] - CustomerValue.PurchaseDayWindow), shuffled.PurchaseDays);
            // In time order the count is exact; out of order, a day that arrives more than the window late may be counted again (never fewer).
            Assert.Equal(days.Count, Replay(history.Purchases.OrderBy(p => p.OccurredAt), history.WindowDays).PurchaseDayCount);
            Assert.InRange(shuffled.PurchaseDayCount, days.Count, history.Purchases.Length);

            var newest = history.Purchases.Max(p => p.OccurredAt);
            foreach (var asOf in history.Purchases.Select(p => p.OccurredAt).Append(newest.AddDays(history.WindowDays - 1)))
            {
                Assert.Equal(inOrder.RollingSpend(asOf, history.WindowDays), shuffled.RollingSpend(asOf, history.WindowDays));
            }

            // From the newest purchase on, rolling spend is exactly the purchases whose UTC day is in the window.
            foreach (var asOf in new[] { newest, newest.AddDays(history.WindowDays / 2), newest.AddDays(history.WindowDays) })
            {
                var lastDay = CustomerValue.DayNumber(asOf);
                var expected = history.Purchases
                    .Where(p => CustomerValue.DayNumber(p.OccurredAt) > lastDay - history.WindowDays && CustomerValue.DayNumber(p.OccurredAt) <= lastDay)
                    .Sum(p => p.Amount);
                Assert.Equal(expected, shuffled.RollingSpend(asOf, history.WindowDays));
            }
        });

    private static CustomerValue Replay(IEnumerable<PurchaseEvent> purchases, int windowDays)
    {
        var value = new CustomerValue();
        foreach (var purchase in purchases)
        {
            value.RecordPurchase(purchase, purchase.Amount, windowDays);
        }

        return value;
    }

    private sealed record PurchaseHistory(PurchaseEvent[] Purchases, int[] Arrival, int WindowDays)
    {
        public override string ToString() =>
            $"window {WindowDays} days, arrival [{string.Join(',', Arrival)}], purchases "
            + string.Join("; ", Purchases.Select(p => $"{p.OccurredAt:O} {p.Amount}"));
    }

    private static Gen<PurchaseHistory> PurchaseHistories()
    {
        var purchase =
            from day in Gen.Choose(0, 900)
            from second in Gen.Choose(0, 86_399)
            from offsetHours in Gen.Choose(-12, 14)
            from cents in Gen.Choose(0, 500_000)
            select (At: T0.AddDays(day - 450).AddSeconds(second).ToOffset(TimeSpan.FromHours(offsetHours)), Amount: cents / 100m);

        return
            from specs in Gen.NonEmptyListOf(purchase)
            from windowDays in Gen.Elements(1, 7, 30, 365, 400)
            let purchases = specs.Select((s, i) => Make.Purchase(s.At, s.Amount, orderId: $"ord-{i}", eventId: $"evt-{i}")).ToArray()
            from arrival in Gen.Shuffle(Enumerable.Range(0, purchases.Length))
            select new PurchaseHistory(purchases, arrival.ToArray(), windowDays);
    }
}

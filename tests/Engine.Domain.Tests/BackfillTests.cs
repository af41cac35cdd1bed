using Engine.Domain.Effects;
using Engine.Domain.Processing;
using Engine.Domain.Sms;
using static Engine.Domain.Tests.SmsCustomer;

namespace Engine.Domain.Tests;

/// <summary>
/// History loaded into the engine: state built as live, what it decides recorded as
/// historical (never texted), and a re-run import applied once.
/// </summary>
[Trait("Category", "Unit")]
public sealed class BackfillTests
{
    private static readonly DateTimeOffset Now = Local(Paris, 2026, 11, 23, 11);

    [Fact]
    public void An_old_live_purchase_and_its_own_requalification_send_nothing_and_publish_only_historical_tier_changes()
    {
        var customer = Reachable();
        customer.Buy(Now.AddDays(-400), 600m, recordedAt: Now);
        customer.AdvanceTo(Now);

        var changes = customer.State.Outbox.Messages.Where(m => m.Kind == OutboxKind.TierChange).Select(m => m.TierChange!).ToList();
        Assert.Equal([("Bronze", "Silver"), ("Silver", "Bronze")], changes.Select(c => (c.From, c.To)));
        Assert.All(changes, c => Assert.True(c.Historical));
        var texts = customer.State.Outbox.Messages.Where(m => m.Kind == OutboxKind.Sms).ToList();
        Assert.NotEmpty(texts);
        Assert.All(texts, m => Assert.False(customer.Attempt(m, Now).IsSend));
        Assert.All(texts, m => Assert.Equal("stale: historical", m.Detail));
    }

    [Fact]
    public void A_backfill_purchase_builds_state_as_live_and_what_it_decides_is_historical()
    {
        var live = Reachable();
        var backfill = Reachable();

        live.Buy(Now.AddHours(-1), 600m, recordedAt: Now);
        backfill.Buy(Now.AddHours(-1), 600m, recordedAt: Now, backfill: true);

        Assert.Equal(live.State.Value.LifetimeSpend, backfill.State.Value.LifetimeSpend);
        Assert.Equal(live.State.Loyalty.Tier, backfill.State.Loyalty.Tier);
        Assert.Equal(live.State.Loyalty.Balance, backfill.State.Loyalty.Balance);
        Assert.False(Notice(live).Historical);
        Assert.True(Notice(backfill).Historical);
        var upgrade = Assert.Single(Messages(backfill.State, SmsTrigger.TierUpgrade));
        Assert.Equal(SmsDecision.Suppress(SmsSuppressionReasons.Stale), backfill.Attempt(upgrade, Now));
    }

    [Fact]
    public void A_rerun_import_applies_nothing_twice_however_old_the_history()
    {
        var customer = new LoyaltyCustomer();
        var history = Enumerable.Range(0, 50)
            .Select(i => Make.Purchase(Now.AddDays(-1000 + (i * 10)), 10m, orderId: $"o-{i}", eventId: $"import:shop:o-{i}") with { Backfill = true })
            .ToList();
        foreach (var purchase in history)
        {
            customer.Apply(purchase);
        }

        var outcomes = history.Select(customer.Feed).ToList();

        Assert.All(outcomes, o => Assert.Equal(ApplyStatus.Duplicate, o.Status));
        Assert.Equal(50, customer.State.Value.Orders);
        Assert.Equal(500m, customer.State.Value.LifetimeSpend);
    }

    [Fact]
    public void Newer_history_after_an_import_is_applied_and_a_live_event_is_never_held_back_by_the_mark()
    {
        var customer = new LoyaltyCustomer();
        customer.Buy(Now.AddDays(-10), 10m, backfill: true);

        Assert.Equal(ApplyStatus.Applied, customer.Feed(Make.Purchase(Now.AddDays(-5), 10m) with { Backfill = true }).Status);
        Assert.Equal(ApplyStatus.Duplicate, customer.Feed(Make.Purchase(Now.AddDays(-20), 10m) with { Backfill = true }).Status);
        Assert.Equal(ApplyStatus.Applied, customer.Feed(Make.Purchase(Now.AddDays(-20), 10m)).Status);
    }

    private static TierChangeNotice Notice(LoyaltyCustomer customer) =>
        Assert.Single(customer.State.Outbox.Messages, m => m.Kind == OutboxKind.TierChange).TierChange!;

    private static LoyaltyCustomer Reachable()
    {
        var customer = new LoyaltyCustomer();
        customer.State.Profile = SmsCustomer.Reachable().Profile;
        return customer;
    }
}

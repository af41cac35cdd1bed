using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Loyalty;
using Engine.Domain.Sms;
using static Engine.Domain.Tests.SmsCustomer;

namespace Engine.Domain.Tests;

/// <summary>
/// Staleness, decided when a message would leave: each trigger's freshness window after the
/// moment it speaks of, and its premise re-checked against the customer's state at that time.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SmsStalenessTests
{
    /// <summary>11:00 in Paris: inside the default 08:00–21:00 window.</summary>
    private static readonly DateTimeOffset Daytime = Local(Paris, 2026, 11, 23, 11);

    private static readonly DateTimeOffset ParisEvening = Local(Paris, 2026, 11, 23, 21, 30);

    private static readonly SmsPolicyOptions Policy = new();

    [Fact]
    public void A_fresh_upgrade_whose_tier_is_still_held_and_earned_is_sent()
    {
        var customer = ReachableFeed();
        customer.Buy(Daytime, 600m);

        var upgrade = Assert.Single(Messages(customer.State, SmsTrigger.TierUpgrade));

        Assert.True(customer.Attempt(upgrade, Daytime.AddMinutes(1)).IsSend);
    }

    [Fact]
    public void An_upgrade_that_waited_past_its_freshness_window_is_suppressed_as_too_late()
    {
        var customer = ReachableFeed();
        customer.Buy(Daytime, 600m);
        var upgrade = Assert.Single(Messages(customer.State, SmsTrigger.TierUpgrade));

        var decision = customer.Attempt(upgrade, Daytime.AddHours(25));

        Assert.Equal(SmsDecision.Suppress(SmsSuppressionReasons.Stale), decision);
        Assert.Equal("stale: too-late", upgrade.Detail);
    }

    [Fact]
    public void The_freshness_window_of_a_trigger_is_configurable()
    {
        var customer = ReachableFeed();
        customer.Buy(Daytime, 600m);
        var upgrade = Assert.Single(Messages(customer.State, SmsTrigger.TierUpgrade));
        var policy = new SmsPolicyOptions { Freshness = { TierUpgrade = TimeSpan.FromHours(48) } };

        Assert.True(customer.Attempt(upgrade, Daytime.AddHours(25), policy).IsSend);
    }

    [Fact]
    public void An_upgrade_deferred_by_quiet_hours_and_meanwhile_reversed_by_a_refund_is_suppressed_as_stale()
    {
        var customer = ReachableFeed();
        var order = customer.Buy(ParisEvening, 600m);
        var upgrade = Assert.Single(Messages(customer.State, SmsTrigger.TierUpgrade));
        var deferred = customer.Attempt(upgrade, ParisEvening.AddMinutes(1));
        Assert.Equal(SmsOutcome.Defer, deferred.Outcome);

        customer.Apply(Make.Refund(ParisEvening.AddMinutes(20), order.OrderId, 600m));
        var decision = customer.Attempt(upgrade, deferred.At!.Value);

        Assert.Equal(SmsDecision.Suppress(SmsSuppressionReasons.Stale), decision);
        Assert.Equal("stale: no-longer-qualifies", upgrade.Detail);
    }

    [Fact]
    public void An_upgrade_to_a_tier_the_customer_no_longer_holds_is_suppressed_as_stale()
    {
        var customer = ReachableFeed();
        customer.Buy(Daytime, 600m);
        var upgrade = Assert.Single(Messages(customer.State, SmsTrigger.TierUpgrade));
        customer.State.Loyalty.Tier = "Bronze";

        customer.Attempt(upgrade, Daytime.AddMinutes(1));

        Assert.Equal("stale: tier-not-held", upgrade.Detail);
    }

    [Fact]
    public void A_cart_reminder_a_day_past_its_due_time_is_suppressed_as_too_late_while_an_emptied_cart_is_closed()
    {
        var state = Reachable();
        var data = new Dictionary<string, string> { ["due_at"] = Daytime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) };
        var late = Queue(state, SmsTrigger.CartAbandoned, Daytime, "late", data);

        Assert.Null(SmsStaleness.ReasonOf(state, late, Daytime.AddHours(23), Policy.Freshness));
        Assert.Equal(StaleReasons.TooLate, SmsStaleness.ReasonOf(state, late, Daytime.AddHours(25), Policy.Freshness));
        state.Cart.Lines.Clear();
        Assert.Equal(StaleReasons.CartClosed, SmsStaleness.ReasonOf(state, late, Daytime.AddHours(1), Policy.Freshness));
    }

    [Fact]
    public void A_message_decided_from_history_is_stale_however_fresh_it_looks()
    {
        var state = Reachable();
        var message = Queue(state, SmsTrigger.TierUpgrade, Daytime, data: new Dictionary<string, string>
        {
            ["tier"] = "Silver",
            [SmsStaleness.OccurredAtKey] = Daytime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            [SmsStaleness.HistoricalKey] = "true",
        });
        state.Loyalty.Tier = "Silver";

        Assert.Equal(StaleReasons.Historical, SmsStaleness.ReasonOf(state, message, Daytime, Policy.Freshness));
    }

    [Fact]
    public void A_freshness_window_that_is_not_positive_stops_the_start()
    {
        var policy = new SmsPolicyOptions { Freshness = { CartAbandoned = TimeSpan.Zero } };

        Assert.Contains(policy.Validate(), p => p.Contains("Sms:Policy:Freshness:CartAbandoned", StringComparison.Ordinal));
    }

    private static LoyaltyCustomer ReachableFeed()
    {
        var customer = new LoyaltyCustomer();
        var reachable = Reachable();
        customer.State.Profile = reachable.Profile;
        return customer;
    }
}

/// <summary>A customer fed events the way the grain does: apply, then record the effects at the clock's time.</summary>
internal sealed class LoyaltyCustomer
{
    private readonly CustomerFeed _feed = new();

    public CustomerState State => _feed.State;

    public CustomerRules Rules => _feed.Rules;

    public PurchaseEvent Buy(DateTimeOffset at, decimal amount, DateTimeOffset? recordedAt = null, bool backfill = false)
    {
        var purchase = Make.Purchase(at, amount) with { Backfill = backfill };
        Apply(purchase, recordedAt);
        return purchase;
    }

    public void Apply(CustomerEvent e, DateTimeOffset? recordedAt = null)
    {
        Assert.Equal(Engine.Domain.Processing.ApplyStatus.Applied, _feed.Apply(e).Status);
        CustomerNotifications.Record(State, State.TakeLoyaltyEffects(), recordedAt ?? e.OccurredAt, Rules.Loyalty);
    }

    public void AdvanceTo(DateTimeOffset now)
    {
        State.AdvanceTo(now, Rules);
        CustomerNotifications.Record(State, State.TakeLoyaltyEffects(), now, Rules.Loyalty);
    }

    public SmsDecision Attempt(OutboxMessage message, DateTimeOffset now, SmsPolicyOptions? policy = null) =>
        SmsPlanning.DecideAttempt(State, message, now, policy ?? new SmsPolicyOptions(), Rules.Loyalty);

    public Engine.Domain.Processing.ApplyOutcome Feed(CustomerEvent e) => _feed.Apply(e);
}

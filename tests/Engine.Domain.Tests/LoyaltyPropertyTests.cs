using Engine.Domain.Customers;
using Engine.Domain.Events;
using Engine.Domain.Loyalty;
using Engine.Domain.Processing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Domain.Tests;

/// <summary>
/// Random histories of earning, redeeming, refunding, adjusting and time passing: the points
/// always add up (balance = earned − redeemed − expired − refunded + adjusted) and never go
/// below zero, and tiers only go down through re-qualification.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LoyaltyPropertyTests
{
    private static readonly DateTimeOffset T0 = Make.T0;

    private enum Step
    {
        Earn,
        Redeem,
        Refund,
        Adjust,
        Advance,
        SetTier,
    }

    /// <summary>
    /// One step: the clock moves on <see cref="Hours"/>; an event happens <see cref="LateHours"/>
    /// before the clock (it arrived late); <see cref="A"/> and <see cref="B"/> size it.
    /// </summary>
    private sealed record Op(Step Step, int Hours, int LateHours, int A, int B)
    {
        public override string ToString() => $"{Step}(+{Hours}h, late {LateHours}h, {A}, {B})";
    }

    private sealed record Scenario(Op[] Ops, PointsExpiryMode Mode, int ExpiryMonths, int[] ReminderDays, decimal PointsPerUnit)
    {
        public LoyaltyRules Rules => new()
        {
            Expiry = Mode,
            ExpiryMonths = ExpiryMonths,
            ExpiryReminderDays = [.. ReminderDays],
            PointsPerUnit = PointsPerUnit,
        };

        public override string ToString() =>
            $"{Mode}, {ExpiryMonths} months, reminders [{string.Join(',', ReminderDays)}], {PointsPerUnit}/unit: {string.Join("; ", Ops.AsEnumerable())}";
    }

    private static Gen<Scenario> Scenarios()
    {
        var op =
            from step in Gen.Elements(Step.Earn, Step.Earn, Step.Earn, Step.Redeem, Step.Redeem, Step.Refund, Step.Refund, Step.Adjust, Step.Advance, Step.Advance, Step.SetTier)
            from hours in Gen.Elements(0, 1, 24, 24 * 2, 24 * 7, 24 * 11, 24 * 30, 24 * 90, 24 * 200)
            from late in Gen.Elements(0, 0, 0, 1, 24 * 3, 24 * 40)
            from a in Gen.Choose(1, 200_000)
            from b in Gen.Choose(0, 100)
            select new Op(step, hours, late, a, b);

        return
            from ops in Gen.ListOf(op)
            from mode in Gen.Elements(PointsExpiryMode.FixedAfterEarning, PointsExpiryMode.RollingInactivity)
            from months in Gen.Elements(1, 3, 12)
            from days in Gen.Elements(new[] { 14, 3 }, new[] { 30 }, Array.Empty<int>(), new[] { 1, 2, 3 })
            from perUnit in Gen.Elements(1m, 0.1m, 2.5m)
            select new Scenario(ops.ToArray(), mode, months, days, perUnit);
    }

    [Property(MaxTest = 300)]
    public Property Points_always_add_up_and_never_go_below_zero() =>
        Prop.ForAll(Scenarios().ToArbitrary(), scenario =>
        {
            var rules = scenario.Rules;
            var account = new LoyaltyAccount();
            var clock = T0;
            long earned = 0, redeemed = 0, expired = 0, refunded = 0, shortfall = 0, adjustedIn = 0, adjustedOut = 0;
            var orders = new List<(string Id, decimal Amount)>();
            var refundedSoFar = new Dictionary<string, decimal>();
            var earnedByOrder = new Dictionary<string, long>();
            var reversedByOrder = new Dictionary<string, long>();
            var reminded = new HashSet<(string, int, DateTimeOffset)>();

            for (var i = 0; i < scenario.Ops.Length; i++)
            {
                var op = scenario.Ops[i];
                clock = clock.AddHours(op.Hours);
                var at = clock.AddHours(-op.LateHours);
                switch (op.Step)
                {
                    case Step.Earn:
                        var orderId = $"o-{i}";
                        var amount = op.A / 100m;
                        var points = account.EarnForPurchase(orderId, amount, at, rules);
                        Assert.Equal(LoyaltyAccount.PointsFor(amount, rules.MultiplierOf(account.Tier), rules), points);
                        earned += points;
                        orders.Add((orderId, amount));
                        earnedByOrder[orderId] = points;
                        break;

                    case Step.Redeem:
                        var wanted = op.A % 3000 + 1;
                        var available = account.AvailableAt(at);
                        var redeemedOk = account.Redeem(wanted, at, rules);
                        Assert.Equal(wanted <= available, redeemedOk);
                        redeemed += redeemedOk ? wanted : 0;
                        break;

                    case Step.Refund when orders.Count > 0:
                        var order = orders[op.A % orders.Count];
                        var left = order.Amount - refundedSoFar.GetValueOrDefault(order.Id);
                        var refund = decimal.Round(left * op.B / 100m, 2, MidpointRounding.ToZero);
                        var reversal = account.RefundOrder(order.Id, refund, order.Amount, at);
                        refundedSoFar[order.Id] = refundedSoFar.GetValueOrDefault(order.Id) + refund;
                        Assert.True(reversal.Taken >= 0 && reversal.Shortfall >= 0);
                        refunded += reversal.Taken;
                        shortfall += reversal.Shortfall;
                        reversedByOrder[order.Id] = reversedByOrder.GetValueOrDefault(order.Id) + reversal.Total;
                        // Never more than the order earned, and all of it once the order is fully refunded.
                        Assert.True(reversedByOrder[order.Id] <= earnedByOrder[order.Id]);
                        break;

                    case Step.Adjust:
                        var delta = (op.A % 1000 + 1) * (op.B % 2 == 0 ? 1L : -1L);
                        var availableForRemoval = account.AvailableAt(at);
                        var adjusted = account.Adjust($"adj-{i}", delta, at, rules);
                        Assert.Equal(delta > 0 || -delta <= availableForRemoval, adjusted);
                        adjustedIn += adjusted && delta > 0 ? delta : 0;
                        adjustedOut += adjusted && delta < 0 ? -delta : 0;
                        break;

                    case Step.Advance:
                        foreach (var lot in account.ExpireDue(clock, rules))
                        {
                            Assert.True(lot.Points > 0 && lot.ExpiresAt <= clock);
                            expired += lot.Points;
                        }

                        Assert.Equal(0, account.Lots.Where(l => !l.IsLiveAt(clock)).Sum(l => l.Remaining));
                        foreach (var reminder in account.DueExpiryReminders(clock, rules))
                        {
                            Assert.True(reminder.Points > 0 && reminder.ExpiresAt > clock && reminder.ExpiresAt.AddDays(-reminder.DaysBefore) <= clock);
                            Assert.Contains(reminder.DaysBefore, scenario.ReminderDays);
                            // A lot is reminded of each day once (in rolling mode a reminder re-arms when the expiry moves).
                            Assert.True(scenario.Mode == PointsExpiryMode.RollingInactivity || reminded.Add((reminder.LotId, reminder.DaysBefore, reminder.ExpiresAt)), $"reminder {reminder} sent twice");
                        }

                        Assert.True(account.NextDueAt(rules) is not { } next || next > clock);
                        break;

                    case Step.SetTier:
                        account.Tier = rules.Tiers[op.A % rules.Tiers.Count].Name;
                        break;
                }

                Assert.Equal(earned - redeemed - expired - refunded + adjustedIn - adjustedOut, account.Balance);
                Assert.Equal((earned, redeemed, expired, refunded, shortfall, adjustedIn, adjustedOut),
                    (account.Earned, account.Redeemed, account.Expired, account.Refunded, account.Shortfall, account.AdjustedIn, account.AdjustedOut));
                Assert.True(account.Balance >= 0);
                Assert.All(account.Lots, l => Assert.InRange(l.Remaining, 0, l.Earned));
                Assert.True(account.AvailableAt(clock) <= account.Balance);
                Assert.Equal(account.Lots.Count, account.Lots.Select(l => l.LotId).Distinct().Count());
            }

            // Fully refunded orders whose points never expired had all their points reversed (in
            // rolling mode a late activity can move a lot's expiry after a refund saw it expired).
            foreach (var (id, amount) in scenario.Mode == PointsExpiryMode.FixedAfterEarning ? orders : [])
            {
                var lot = account.Lots.SingleOrDefault(l => l.OrderId == id);
                if (lot is not null && refundedSoFar.GetValueOrDefault(id) == amount && lot.ExpiredPoints == 0 && lot.IsLiveAt(clock))
                {
                    Assert.Equal(lot.Earned, reversedByOrder.GetValueOrDefault(id));
                }
            }
        });

    [Property(MaxTest = 200)]
    public Property Through_the_customer_state_points_add_up_and_tiers_only_fall_by_requalification() =>
        Prop.ForAll(Scenarios().ToArbitrary(), scenario =>
        {
            var rules = new CustomerRules { Loyalty = scenario.Rules };
            var feed = new CustomerFeed(rules);
            var loyalty = feed.State.Loyalty;
            var clock = T0;
            var paid = 0m;
            var refundedTotal = 0m;
            var orders = new List<(string Id, decimal Amount)>();
            var refundedSoFar = new Dictionary<string, decimal>();
            string? tier = null;

            for (var i = 0; i < scenario.Ops.Length; i++)
            {
                var op = scenario.Ops[i];
                clock = clock.AddHours(op.Hours);
                var at = clock.AddHours(-op.LateHours);
                var requalifyBefore = loyalty.RequalifyAt;
                var dueBefore = loyalty.DowngradeDueAt;
                var fromEvent = op.Step != Step.Advance;
                ApplyOutcome? outcome = null;
                switch (op.Step)
                {
                    case Step.Earn:
                        var amount = op.A / 10m;
                        orders.Add(($"o-{i}", amount));
                        paid += amount;
                        outcome = feed.Apply(Make.Purchase(at, amount, orderId: $"o-{i}"));
                        Assert.Equal(ApplyStatus.Applied, outcome.Value.Status);
                        break;

                    case Step.Redeem:
                        var wanted = op.A % 3000 + 1;
                        var available = loyalty.AvailableAt(at);
                        outcome = feed.Apply(Make.Redeem(at, wanted));
                        Assert.Equal(wanted <= available ? ApplyOutcome.Applied : ApplyOutcome.Reject(RejectionReasons.InsufficientPoints), outcome);
                        break;

                    case Step.Refund when orders.Count > 0:
                        var index = op.A % orders.Count;
                        var order = orders[index];
                        var remembered = orders.Count - index <= Value.CustomerValue.RecentOrderCapacity;
                        // Sometimes more than is left, to be refused.
                        var refund = decimal.Round((order.Amount - refundedSoFar.GetValueOrDefault(order.Id)) * op.B / 90m, 2, MidpointRounding.ToZero);
                        var exceeds = refundedSoFar.GetValueOrDefault(order.Id) + refund > order.Amount;
                        outcome = feed.Apply(Make.Refund(at, order.Id, refund));
                        Assert.Equal(
                            !remembered ? ApplyOutcome.Reject(RejectionReasons.UnknownOrder)
                            : exceeds ? ApplyOutcome.Reject(RejectionReasons.RefundExceedsOrder)
                            : ApplyOutcome.Applied,
                            outcome);
                        if (remembered && !exceeds)
                        {
                            refundedSoFar[order.Id] = refundedSoFar.GetValueOrDefault(order.Id) + refund;
                            refundedTotal += refund;
                        }

                        break;

                    case Step.Adjust:
                        var delta = (op.A % 1000 + 1) * (op.B % 2 == 0 ? 1L : -1L);
                        var availableForRemoval = loyalty.AvailableAt(at);
                        outcome = feed.Apply(Make.Adjust(at, delta));
                        Assert.Equal(delta > 0 || -delta <= availableForRemoval ? ApplyOutcome.Applied : ApplyOutcome.Reject(RejectionReasons.InsufficientPoints), outcome);
                        break;

                    default:
                        feed.State.AdvanceTo(clock, rules);
                        Assert.True(feed.State.NextLoyaltyDueAt(rules) is not { } next || next > clock);
                        fromEvent = false;
                        break;
                }

                foreach (var change in feed.State.TakeLoyaltyEffects().OfType<TierChange>())
                {
                    Assert.Equal(Make.CustomerId, change.CustomerId);
                    Assert.Equal(tier ?? rules.Loyalty.Tiers[0].Name, change.From);
                    Assert.Equal(rules.Loyalty.IndexOfTier(change.To) > rules.Loyalty.IndexOfTier(change.From), change.IsUpgrade);
                    if (!change.IsUpgrade)
                    {
                        // Down only once the grace after a failed re-qualification is over, whatever triggered the evaluation.
                        var earliest = dueBefore ?? requalifyBefore!.Value + rules.Loyalty.DowngradeGrace;
                        Assert.True(change.At >= earliest, $"downgrade at {change.At:O} before {earliest:O} (event: {fromEvent})");
                        Assert.Equal(TierChangeReasons.Requalification, change.Reason);
                    }

                    tier = change.To;
                }

                Assert.Equal(tier ?? (loyalty.Tier is null ? null : rules.Loyalty.Tiers[0].Name), loyalty.Tier);
                Assert.Equal(
                    loyalty.Earned - loyalty.Redeemed - loyalty.Expired - loyalty.Refunded + loyalty.AdjustedIn - loyalty.AdjustedOut,
                    loyalty.Balance);
                Assert.True(loyalty.Balance >= 0 && loyalty.Shortfall >= 0);
                Assert.Equal(paid - refundedTotal, feed.State.Value.LifetimeSpend);
                Assert.Equal(orders.Count, feed.State.Value.Orders);
            }
        });
}

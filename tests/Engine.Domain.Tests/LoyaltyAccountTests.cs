using Engine.Domain.Loyalty;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class LoyaltyAccountTests
{
    private static readonly DateTimeOffset T0 = Make.T0;
    private static readonly LoyaltyRules Rules = new();

    private static LoyaltyAccount Account(string? tier = null) => new() { Tier = tier };

    private static void AssertBalanceIdentity(LoyaltyAccount account)
    {
        Assert.Equal(
            account.Earned - account.Redeemed - account.Expired - account.Refunded + account.AdjustedIn - account.AdjustedOut,
            account.Balance);
        Assert.True(account.Balance >= 0);
        Assert.All(account.Lots, l => Assert.InRange(l.Remaining, 0, l.Earned));
    }

    private static PointsLot Lot(LoyaltyAccount account, string lotId) => Assert.Single(account.Lots, l => l.LotId == lotId);

    // ---- earning ----

    [Theory]
    [InlineData(10.99, 10)]
    [InlineData(0.99, 0)]
    [InlineData(100, 100)]
    public void Points_are_one_per_base_unit_floored_by_default(decimal amount, long points)
    {
        var account = Account();

        Assert.Equal(points, account.EarnForPurchase("o-1", amount, T0, Rules));
        Assert.Equal(points, account.Balance);
    }

    [Fact]
    public void Points_per_unit_is_configurable()
    {
        var rules = new LoyaltyRules { PointsPerUnit = 2.5m };

        Assert.Equal(27, Account().EarnForPurchase("o-1", 10.99m, T0, rules));
    }

    [Theory]
    [InlineData("Bronze", 100, 100)]
    [InlineData("Silver", 100, 125)]
    [InlineData("Gold", 100, 150)]
    [InlineData("Platinum", 100, 200)]
    [InlineData("Silver", 10.99, 13)] // 13.7375 floored after the multiplier, not before
    [InlineData("Gold", 0.67, 1)] // 1.005
    public void Points_are_multiplied_by_the_held_tier(string tier, decimal amount, long points)
    {
        Assert.Equal(points, Account(tier).EarnForPurchase("o-1", amount, T0, Rules));
    }

    [Fact]
    public void A_customer_without_a_tier_or_with_an_unknown_tier_earns_at_the_entry_multiplier()
    {
        var rules = new LoyaltyRules { Tiers = [new() { Name = "Base", Multiplier = 1.1m }, new() { Name = "Top", MinRollingSpend = 10m, Multiplier = 3m }] };

        Assert.Equal(110, Account().EarnForPurchase("o-1", 100m, T0, rules));
        Assert.Equal(110, Account("Gone").EarnForPurchase("o-1", 100m, T0, rules));
    }

    [Fact]
    public void A_purchase_earning_nothing_makes_no_lot()
    {
        var account = Account();

        Assert.Equal(0, account.EarnForPurchase("o-1", 0m, T0, Rules));
        Assert.Equal(0, account.EarnForPurchase("o-2", 0.5m, T0, Rules));

        Assert.Empty(account.Lots);
        Assert.Equal(0, account.Earned);
    }

    [Fact]
    public void A_lot_remembers_its_order_and_expires_twelve_calendar_months_after_the_purchase_in_UTC()
    {
        var account = Account();
        var at = new DateTimeOffset(2028, 2, 29, 0, 30, 0, TimeSpan.FromHours(1)); // 2028-02-28 23:30 UTC

        account.EarnForPurchase("ord-9", 42m, at, Rules);

        var lot = Lot(account, "order:ord-9");
        Assert.Equal(PointsLotSource.Purchase, lot.Source);
        Assert.Equal("ord-9", lot.OrderId);
        Assert.Equal(42, lot.Earned);
        Assert.Equal(42, lot.Remaining);
        Assert.Equal(at, lot.EarnedAt);
        // Counted in UTC, so the producer's offset cannot move the expiry (in local time it would be 2029-02-27 23:30 UTC).
        Assert.Equal(new DateTimeOffset(2029, 2, 28, 23, 30, 0, TimeSpan.Zero), lot.ExpiresAt);
    }

    [Fact]
    public void Expiry_months_are_configurable()
    {
        var account = Account();

        account.EarnForPurchase("o-1", 10m, T0, new LoyaltyRules { ExpiryMonths = 6 });

        Assert.Equal(T0.AddMonths(6), account.Lots[0].ExpiresAt);
    }

    [Fact]
    public void An_order_id_seen_again_gets_its_own_lot()
    {
        var account = Account();

        account.EarnForPurchase("o-1", 10m, T0, Rules);
        account.EarnForPurchase("o-1", 20m, T0.AddDays(1), Rules);

        Assert.Equal(["order:o-1", "order:o-1#2"], account.Lots.Select(l => l.LotId));
    }

    // ---- redeeming ----

    [Fact]
    public void Redemption_spends_the_soonest_expiring_lots_first()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        account.EarnForPurchase("b", 50m, T0.AddMonths(1), Rules);
        account.EarnForPurchase("c", 200m, T0.AddMonths(2), Rules);

        Assert.True(account.Redeem(120, T0.AddMonths(3), Rules));

        Assert.Equal(0, Lot(account, "order:a").Remaining);
        Assert.Equal(30, Lot(account, "order:b").Remaining);
        Assert.Equal(200, Lot(account, "order:c").Remaining);
        Assert.Equal(230, account.Balance);
        Assert.Equal(120, account.Redeemed);
        AssertBalanceIdentity(account);
    }

    [Fact]
    public void Redemption_order_follows_expiry_not_arrival()
    {
        var account = Account();
        // The older purchase arrives second: its lot expires first, so it is spent first.
        account.EarnForPurchase("newer", 100m, T0.AddDays(10), Rules);
        account.EarnForPurchase("older", 100m, T0, Rules);

        account.Redeem(60, T0.AddDays(20), Rules);

        Assert.Equal(40, Lot(account, "order:older").Remaining);
        Assert.Equal(100, Lot(account, "order:newer").Remaining);
    }

    [Fact]
    public void Lots_expiring_together_are_spent_oldest_earned_first_then_by_lot_id()
    {
        var account = Account();
        // Twelve months after 28 and 29 February 2028 are both 28 February 2029.
        var leapDay = new DateTimeOffset(2028, 2, 29, 12, 0, 0, TimeSpan.Zero);
        account.EarnForPurchase("z-leap", 10m, leapDay, Rules);
        account.EarnForPurchase("y-eve", 10m, leapDay.AddDays(-1), Rules);
        account.Adjust("grant", 10, leapDay, Rules);
        Assert.Single(account.Lots.Select(l => l.ExpiresAt).Distinct());

        account.Redeem(15, leapDay.AddDays(1), Rules);

        Assert.Equal(0, Lot(account, "order:y-eve").Remaining);
        // Same expiry and same earning instant: "adjust:grant" sorts before "order:z-leap".
        Assert.Equal(5, Lot(account, "adjust:grant").Remaining);
        Assert.Equal(10, Lot(account, "order:z-leap").Remaining);
    }

    [Fact]
    public void Redemption_larger_than_the_balance_is_refused_and_changes_nothing()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        account.EarnForPurchase("b", 50m, T0, Rules);

        Assert.False(account.Redeem(151, T0.AddDays(1), Rules));

        Assert.Equal(150, account.Balance);
        Assert.Equal(0, account.Redeemed);
        Assert.Equal(T0, account.LastActivityAt);
    }

    [Fact]
    public void The_whole_balance_can_be_redeemed()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        account.EarnForPurchase("b", 50m, T0, Rules);

        Assert.True(account.Redeem(150, T0.AddDays(1), Rules));

        Assert.Equal(0, account.Balance);
        AssertBalanceIdentity(account);
    }

    [Fact]
    public void Points_past_their_expiry_cannot_be_spent_even_before_they_are_expired()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        var expiry = account.Lots[0].ExpiresAt;

        Assert.Equal(0, account.AvailableAt(expiry));
        Assert.False(account.Redeem(1, expiry, Rules));
        Assert.True(account.Redeem(100, expiry.AddTicks(-1), Rules));
    }

    [Fact]
    public void Redeeming_nothing_is_a_programming_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Account().Redeem(0, T0, Rules));
    }

    // ---- refunds ----

    [Fact]
    public void A_partial_refund_reverses_its_share_of_that_orders_lot_only()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        account.EarnForPurchase("b", 200m, T0.AddDays(1), Rules);

        var reversal = account.RefundOrder("b", 50m, 200m, T0.AddDays(2));

        Assert.Equal(new PointsReversal(50, 0), reversal);
        Assert.Equal(100, Lot(account, "order:a").Remaining);
        Assert.Equal(150, Lot(account, "order:b").Remaining);
        Assert.Equal(50, account.Refunded);
        AssertBalanceIdentity(account);
    }

    [Fact]
    public void Partial_refunds_add_up_to_exactly_the_lot_without_rounding_drift()
    {
        var account = Account();
        account.EarnForPurchase("a", 10m, T0, Rules);

        var first = account.RefundOrder("a", 3.33m, 10m, T0.AddDays(1));
        var second = account.RefundOrder("a", 3.33m, 10m, T0.AddDays(2));
        var third = account.RefundOrder("a", 3.34m, 10m, T0.AddDays(3));

        // Targets from the running total: floor(3.33), floor(6.66), all 10.
        Assert.Equal([3L, 3L, 4L], new[] { first.Taken, second.Taken, third.Taken });
        Assert.Equal(0, account.Balance);
        Assert.Equal(10, account.Refunded);
    }

    [Fact]
    public void A_third_of_the_order_reverses_exactly_a_third_of_its_points()
    {
        var account = Account();
        account.EarnForPurchase("a", 300m, T0, Rules);

        // 300 × (100 / 300) computed as 300 × 0.333…3 would floor to 99.
        Assert.Equal(new PointsReversal(100, 0), account.RefundOrder("a", 100m, 300m, T0.AddDays(1)));
    }

    [Fact]
    public void A_refund_never_reverses_more_than_the_lot_earned()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        account.EarnForPurchase("b", 100m, T0, Rules);

        account.RefundOrder("a", 100m, 100m, T0.AddDays(1));
        var again = account.RefundOrder("a", 100m, 100m, T0.AddDays(2));

        Assert.Equal(default, again);
        Assert.Equal(100, account.Balance);
        Assert.Equal(100, Lot(account, "order:b").Remaining);
    }

    [Fact]
    public void Refund_points_already_spent_are_taken_from_other_lots_soonest_expiring_first()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        account.EarnForPurchase("b", 100m, T0.AddDays(1), Rules);
        account.EarnForPurchase("c", 100m, T0.AddDays(2), Rules);
        account.Redeem(80, T0.AddDays(3), Rules); // a: 20 left

        var reversal = account.RefundOrder("a", 100m, 100m, T0.AddDays(4));

        Assert.Equal(new PointsReversal(100, 0), reversal);
        Assert.DoesNotContain(account.Lots, l => l.LotId == "order:a" && l.Remaining > 0);
        Assert.Equal(20, Lot(account, "order:b").Remaining);
        Assert.Equal(100, Lot(account, "order:c").Remaining);
        AssertBalanceIdentity(account);
    }

    [Fact]
    public void What_the_balance_cannot_cover_is_recorded_as_shortfall_and_the_balance_stays_at_zero()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        account.EarnForPurchase("b", 100m, T0.AddDays(1), Rules);
        account.Redeem(150, T0.AddDays(2), Rules); // a: 0, b: 50

        var first = account.RefundOrder("a", 100m, 100m, T0.AddDays(3));
        var second = account.RefundOrder("b", 100m, 100m, T0.AddDays(4));

        Assert.Equal(new PointsReversal(50, 50), first);
        Assert.Equal(new PointsReversal(0, 100), second);
        Assert.Equal(0, account.Balance);
        Assert.Equal(150, account.Shortfall);
        // All 200 earned points came back: 50 from the balance, 150 owed because they were spent.
        Assert.Equal(200, account.Refunded + account.Shortfall);
        AssertBalanceIdentity(account);
    }

    [Fact]
    public void Points_of_a_refunded_order_that_already_expired_are_not_taken_again()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        account.Redeem(30, T0.AddDays(1), Rules);
        account.EarnForPurchase("b", 500m, T0.AddMonths(6), Rules);
        account.ExpireDue(T0.AddMonths(12), Rules); // a: 70 expired

        var reversal = account.RefundOrder("a", 100m, 100m, T0.AddMonths(12).AddDays(1));

        // Only the 30 the customer actually spent come back, from lot b.
        Assert.Equal(new PointsReversal(30, 0), reversal);
        Assert.Equal(470, Lot(account, "order:b").Remaining);
        AssertBalanceIdentity(account);
    }

    [Fact]
    public void A_refund_of_an_order_that_earned_no_points_reverses_nothing()
    {
        var account = Account();
        account.EarnForPurchase("b", 100m, T0, Rules);

        Assert.Equal(default, account.RefundOrder("unknown", 10m, 10m, T0));
        Assert.Equal(default, account.RefundOrder("b", 0m, 100m, T0));
        Assert.Equal(100, account.Balance);
    }

    // ---- adjustments ----

    [Fact]
    public void A_grant_is_a_lot_of_its_own_expiring_by_the_rules()
    {
        var account = Account();

        Assert.True(account.Adjust("evt-7", 300, T0, Rules));

        var lot = Lot(account, "adjust:evt-7");
        Assert.Equal(PointsLotSource.Adjustment, lot.Source);
        Assert.Null(lot.OrderId);
        Assert.Equal(300, lot.Remaining);
        Assert.Equal(T0.AddMonths(12), lot.ExpiresAt);
        Assert.Equal(300, account.AdjustedIn);
        Assert.Equal(0, account.Earned);
    }

    [Fact]
    public void A_removal_takes_soonest_expiring_first()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        account.Adjust("g", 100, T0.AddDays(5), Rules);

        Assert.True(account.Adjust("r", -150, T0.AddDays(6), Rules));

        Assert.Equal(50, Lot(account, "adjust:g").Remaining);
        Assert.Equal(150, account.AdjustedOut);
        AssertBalanceIdentity(account);
    }

    [Fact]
    public void A_removal_larger_than_the_balance_is_refused_and_changes_nothing()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);

        Assert.False(account.Adjust("r", -101, T0.AddDays(1), Rules));

        Assert.Equal(100, account.Balance);
        Assert.Equal(0, account.AdjustedOut);
    }

    [Fact]
    public void A_spent_grant_is_dropped()
    {
        var account = Account();
        account.Adjust("g", 10, T0, Rules);

        account.Redeem(10, T0.AddDays(1), Rules);

        Assert.Empty(account.Lots);
        AssertBalanceIdentity(account);
    }

    // ---- expiry ----

    [Fact]
    public void A_lot_expires_exactly_at_its_expiry_and_not_a_tick_before()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        var expiry = T0.AddMonths(12);

        Assert.Empty(account.ExpireDue(expiry.AddTicks(-1), Rules));
        Assert.Equal(100, account.Balance);

        var expired = account.ExpireDue(expiry, Rules);

        Assert.Equal([new PointsExpired("order:a", 100, expiry)], expired);
        Assert.Equal(0, account.Balance);
        Assert.Equal(100, account.Expired);
        AssertBalanceIdentity(account);
    }

    [Fact]
    public void Only_what_is_left_of_a_lot_expires_and_only_once()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        account.EarnForPurchase("b", 100m, T0.AddMonths(1), Rules);
        account.Redeem(40, T0.AddDays(1), Rules);

        var expired = account.ExpireDue(T0.AddMonths(13), Rules);
        var again = account.ExpireDue(T0.AddMonths(14), Rules);

        Assert.Equal([60L, 100L], expired.Select(e => e.Points));
        Assert.Empty(again);
        Assert.Equal(160, account.Expired);
        AssertBalanceIdentity(account);
    }

    [Fact]
    public void Rolling_expiry_expires_everything_after_the_inactivity_period()
    {
        var rules = new LoyaltyRules { Expiry = PointsExpiryMode.RollingInactivity };
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, rules);
        account.EarnForPurchase("b", 50m, T0.AddMonths(5), rules);
        var lastActivity = T0.AddMonths(5);

        // The first lot would have expired at T0 + 12 months in fixed mode; activity moved it on.
        Assert.Empty(account.ExpireDue(T0.AddMonths(12), rules));
        Assert.All(account.Lots, l => Assert.Equal(lastActivity.AddMonths(12), l.ExpiresAt));

        Assert.Empty(account.ExpireDue(lastActivity.AddMonths(12).AddTicks(-1), rules));
        var expired = account.ExpireDue(lastActivity.AddMonths(12), rules);

        Assert.Equal(150, expired.Sum(e => e.Points));
        Assert.Equal(0, account.Balance);
    }

    [Fact]
    public void Rolling_expiry_is_moved_on_by_a_redemption_and_a_grant_but_not_by_a_removal_or_a_refund()
    {
        var rules = new LoyaltyRules { Expiry = PointsExpiryMode.RollingInactivity };
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, rules);

        account.Redeem(10, T0.AddMonths(2), rules);
        Assert.Equal(T0.AddMonths(14), account.Lots[0].ExpiresAt);

        account.Adjust("g", 10, T0.AddMonths(3), rules);
        Assert.All(account.Lots, l => Assert.Equal(T0.AddMonths(15), l.ExpiresAt));

        account.Adjust("r", -5, T0.AddMonths(4), rules);
        account.RefundOrder("a", 10m, 100m, T0.AddMonths(5));
        Assert.All(account.Lots, l => Assert.Equal(T0.AddMonths(15), l.ExpiresAt));
        Assert.Equal(T0.AddMonths(3), account.LastActivityAt);
    }

    [Fact]
    public void Rolling_activity_does_not_bring_back_points_that_already_expired()
    {
        var rules = new LoyaltyRules { Expiry = PointsExpiryMode.RollingInactivity };
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, rules);

        // Fourteen months without activity, then a purchase (no timer ran in between).
        account.EarnForPurchase("b", 10m, T0.AddMonths(14), rules);

        Assert.Equal(T0.AddMonths(12), Lot(account, "order:a").ExpiresAt);
        Assert.Equal(10, account.AvailableAt(T0.AddMonths(14)));
        Assert.Equal(100, account.ExpireDue(T0.AddMonths(14), rules).Sum(e => e.Points));
        Assert.Equal(10, account.Balance);
    }

    [Fact]
    public void A_late_purchase_in_rolling_mode_expires_with_the_rest()
    {
        var rules = new LoyaltyRules { Expiry = PointsExpiryMode.RollingInactivity };
        var account = Account();
        account.EarnForPurchase("a", 100m, T0.AddMonths(3), rules);

        account.EarnForPurchase("late", 10m, T0, rules);

        Assert.Equal(T0.AddMonths(3), account.LastActivityAt);
        Assert.All(account.Lots, l => Assert.Equal(T0.AddMonths(15), l.ExpiresAt));
    }

    // ---- expiry reminders ----

    [Fact]
    public void Reminders_fall_due_fourteen_and_three_days_before_expiry_each_once()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        var expiry = T0.AddMonths(12);

        Assert.Empty(account.DueExpiryReminders(expiry.AddDays(-14).AddTicks(-1), Rules));
        Assert.Equal([new ExpiryReminder("order:a", 14, 100, expiry)], account.DueExpiryReminders(expiry.AddDays(-14), Rules));
        Assert.Empty(account.DueExpiryReminders(expiry.AddDays(-5), Rules));
        Assert.Equal([new ExpiryReminder("order:a", 3, 100, expiry)], account.DueExpiryReminders(expiry.AddDays(-3), Rules));
        Assert.Empty(account.DueExpiryReminders(expiry.AddDays(-1), Rules));
        Assert.Empty(account.DueExpiryReminders(expiry, Rules));
    }

    [Fact]
    public void A_reminder_carries_the_points_left_in_the_lot()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        account.Redeem(65, T0.AddDays(1), Rules);

        var reminder = Assert.Single(account.DueExpiryReminders(T0.AddMonths(12).AddDays(-14), Rules));

        Assert.Equal(35, reminder.Points);
    }

    [Fact]
    public void A_lot_spent_before_its_reminder_gets_none()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        account.EarnForPurchase("b", 100m, T0.AddMonths(1), Rules);
        var expiry = T0.AddMonths(12);
        Assert.Single(account.DueExpiryReminders(expiry.AddDays(-14), Rules));

        account.Redeem(100, expiry.AddDays(-10), Rules);

        Assert.Empty(account.DueExpiryReminders(expiry.AddDays(-3), Rules));
        Assert.Empty(account.SentReminders);
    }

    [Fact]
    public void A_lot_refunded_before_its_reminder_gets_none()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);

        account.RefundOrder("a", 100m, 100m, T0.AddMonths(6));

        Assert.Empty(account.DueExpiryReminders(T0.AddMonths(12).AddDays(-3), Rules));
        Assert.Null(account.NextDueAt(Rules));
    }

    [Fact]
    public void A_late_run_sends_only_the_nearest_reminder_and_skips_the_others()
    {
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, Rules);
        var expiry = T0.AddMonths(12);

        var reminders = account.DueExpiryReminders(expiry.AddDays(-2), Rules);

        Assert.Equal([new ExpiryReminder("order:a", 3, 100, expiry)], reminders);
        Assert.Empty(account.DueExpiryReminders(expiry.AddDays(-1), Rules));
    }

    [Fact]
    public void Reminder_days_are_configurable()
    {
        var rules = new LoyaltyRules { ExpiryReminderDays = [30] };
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, rules);

        Assert.Equal(30, Assert.Single(account.DueExpiryReminders(T0.AddMonths(12).AddDays(-30), rules)).DaysBefore);
        Assert.Empty(account.DueExpiryReminders(T0.AddMonths(12).AddDays(-3), rules));
    }

    [Fact]
    public void No_reminder_days_means_no_reminders()
    {
        var rules = new LoyaltyRules { ExpiryReminderDays = [] };
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, rules);

        Assert.Empty(account.DueExpiryReminders(T0.AddMonths(12).AddDays(-1), rules));
        Assert.Equal(T0.AddMonths(12), account.NextDueAt(rules));
    }

    [Fact]
    public void In_rolling_mode_one_reminder_covers_the_balance_and_activity_rearms_it()
    {
        var rules = new LoyaltyRules { Expiry = PointsExpiryMode.RollingInactivity };
        var account = Account();
        account.EarnForPurchase("a", 100m, T0, rules);
        account.EarnForPurchase("b", 50m, T0.AddDays(1), rules);
        var expiry = T0.AddDays(1).AddMonths(12);

        Assert.Equal([new ExpiryReminder(LoyaltyAccount.RollingLotId, 14, 150, expiry)], account.DueExpiryReminders(expiry.AddDays(-14), rules));

        // Activity moves the expiry on: the reminders start over for the new date.
        var redeemedAt = expiry.AddDays(-10);
        account.Redeem(20, redeemedAt, rules);
        var newExpiry = redeemedAt.AddMonths(12);

        Assert.Empty(account.DueExpiryReminders(expiry.AddDays(-3), rules));
        Assert.Equal([new ExpiryReminder(LoyaltyAccount.RollingLotId, 14, 130, newExpiry)], account.DueExpiryReminders(newExpiry.AddDays(-14), rules));
    }

    // ---- what is due next ----

    [Fact]
    public void Next_due_is_the_earliest_reminder_then_the_expiry()
    {
        var account = Account();
        Assert.Null(account.NextDueAt(Rules));

        account.EarnForPurchase("a", 100m, T0, Rules);
        var expiry = T0.AddMonths(12);

        Assert.Equal(expiry.AddDays(-14), account.NextDueAt(Rules));
        account.DueExpiryReminders(expiry.AddDays(-14), Rules);
        Assert.Equal(expiry.AddDays(-3), account.NextDueAt(Rules));
        account.DueExpiryReminders(expiry.AddDays(-3), Rules);
        Assert.Equal(expiry, account.NextDueAt(Rules));
        account.ExpireDue(expiry, Rules);
        Assert.Null(account.NextDueAt(Rules));
    }

    [Fact]
    public void Next_due_includes_the_tier_dates()
    {
        var account = Account("Gold");
        account.RequalifyAt = T0.AddMonths(2);
        account.EarnForPurchase("a", 100m, T0, Rules);

        Assert.Equal(T0.AddMonths(2), account.NextDueAt(Rules));

        // Once a downgrade is pending, the passed re-qualification date no longer counts.
        account.DowngradeDueAt = T0.AddMonths(2).AddDays(30);
        Assert.Equal(T0.AddMonths(2).AddDays(30), account.NextDueAt(Rules));
    }

    // ---- keeping state small ----

    [Fact]
    public void Only_the_newest_spent_purchase_lots_are_kept()
    {
        var account = Account();
        for (var i = 0; i < LoyaltyAccount.SpentLotCapacity + 10; i++)
        {
            account.EarnForPurchase($"o-{i}", 1m, T0.AddMinutes(i), Rules);
        }

        account.Redeem(LoyaltyAccount.SpentLotCapacity + 10, T0.AddDays(1), Rules);

        Assert.Equal(LoyaltyAccount.SpentLotCapacity, account.Lots.Count);
        Assert.Equal("order:o-10", account.Lots.MinBy(l => l.EarnedAt)!.LotId);
        AssertBalanceIdentity(account);
    }

    [Fact]
    public void Spent_lots_of_orders_that_can_no_longer_be_refunded_are_forgotten()
    {
        var account = Account();
        account.EarnForPurchase("o-old", 10m, T0, Rules);
        account.EarnForPurchase("o-kept", 10m, T0.AddMinutes(1), Rules);
        account.EarnForPurchase("o-live", 10m, T0.AddMinutes(2), Rules);
        account.Redeem(20, T0.AddHours(1), Rules);

        account.ForgetSpentLots(orderId => orderId != "o-old");

        Assert.Equal(["order:o-kept", "order:o-live"], account.Lots.Select(l => l.LotId));
        AssertBalanceIdentity(account);
    }
}

using Engine.Domain.Loyalty;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class TierLadderTests
{
    private static readonly DateTimeOffset T0 = Make.T0;
    private static readonly LoyaltyRules Rules = new();

    /// <summary>A ladder that mixes the criteria: orders only, spend AND orders, spend OR orders.</summary>
    private static readonly LoyaltyRules Mixed = new()
    {
        Tiers =
        [
            new() { Name = "Member" },
            new() { Name = "Regular", MinOrders = 5, Multiplier = 1.1m },
            new() { Name = "Premium", MinRollingSpend = 1000m, MinOrders = 10, RequireBoth = true, Multiplier = 1.5m },
            new() { Name = "Elite", MinRollingSpend = 5000m, MinOrders = 40, RequireBoth = false, Multiplier = 2m },
        ],
    };

    private static LoyaltyAccount Holding(string tier, DateTimeOffset attainedAt, LoyaltyRules? rules = null)
    {
        var account = new LoyaltyAccount();
        TierLadder.Evaluate(account, 0m, 0, attainedAt.AddDays(-1), rules ?? Rules);
        var spend = (rules ?? Rules).Tiers.Single(t => t.Name == tier).MinRollingSpend ?? 0m;
        var orders = (rules ?? Rules).Tiers.Single(t => t.Name == tier).MinOrders ?? 0;
        TierLadder.Evaluate(account, spend, orders, attainedAt, rules ?? Rules);
        Assert.Equal(tier, account.Tier);
        return account;
    }

    // ---- qualification ----

    [Theory]
    [InlineData(0, "Bronze")]
    [InlineData(499.99, "Bronze")]
    [InlineData(500, "Silver")]
    [InlineData(999.99, "Silver")]
    [InlineData(1000, "Gold")]
    [InlineData(4999.99, "Gold")]
    [InlineData(5000, "Platinum")]
    [InlineData(1000000, "Platinum")]
    public void The_default_ladder_qualifies_by_rolling_spend(decimal spend, string tier)
    {
        Assert.Equal(tier, TierLadder.Qualify(spend, 0, Rules).Name);
    }

    [Theory]
    [InlineData(0, 0, "Member")]
    [InlineData(999, 4, "Member")]
    [InlineData(0, 5, "Regular")]
    [InlineData(999.99, 39, "Regular")] // Premium needs both
    [InlineData(1000, 9, "Regular")]
    [InlineData(1000, 10, "Premium")]
    [InlineData(4999, 39, "Premium")]
    [InlineData(5000, 10, "Elite")] // Elite: spend OR orders
    [InlineData(0, 40, "Elite")]
    public void A_ladder_with_spend_and_order_criteria(decimal spend, int orders, string tier)
    {
        Assert.Equal(tier, TierLadder.Qualify(spend, orders, Mixed).Name);
    }

    [Fact]
    public void The_highest_tier_met_wins_even_when_a_lower_one_is_not()
    {
        // 5000 spend with 1 order: Elite (spend OR orders) although Regular (5 orders) is not met.
        Assert.Equal("Elite", TierLadder.Qualify(5000m, 1, Mixed).Name);
    }

    // ---- assignment and upgrades ----

    [Fact]
    public void A_new_customer_starts_on_the_entry_tier_silently()
    {
        var account = new LoyaltyAccount();

        var change = TierLadder.Evaluate(account, 10m, 1, T0, Rules);

        Assert.Null(change);
        Assert.Equal("Bronze", account.Tier);
        Assert.Equal(T0, account.TierAttainedAt);
        Assert.Null(account.RequalifyAt);
        Assert.Null(account.DowngradeDueAt);
    }

    [Fact]
    public void An_upgrade_takes_effect_on_the_evaluation_that_crosses_the_threshold()
    {
        var account = new LoyaltyAccount();
        Assert.Null(TierLadder.Evaluate(account, 499.99m, 3, T0, Rules));

        var change = TierLadder.Evaluate(account, 500m, 4, T0.AddHours(1), Rules);

        Assert.Equal(new TierChange(null, "Bronze", "Silver", TierChangeReasons.RollingSpend, T0.AddHours(1), IsUpgrade: true), change);
        Assert.Equal("Silver", account.Tier);
        Assert.Equal(T0.AddHours(1), account.TierAttainedAt);
        Assert.Equal(T0.AddHours(1).AddMonths(12), account.RequalifyAt);
    }

    [Fact]
    public void A_first_evaluation_above_the_entry_tier_is_an_upgrade_from_it()
    {
        var account = new LoyaltyAccount();

        var change = TierLadder.Evaluate(account, 1200m, 1, T0, Rules);

        Assert.Equal(new TierChange(null, "Bronze", "Gold", TierChangeReasons.RollingSpend, T0, true), change);
    }

    [Fact]
    public void An_upgrade_can_skip_tiers()
    {
        var account = Holding("Silver", T0);

        var change = TierLadder.Evaluate(account, 6000m, 2, T0.AddDays(1), Rules);

        Assert.Equal("Silver", change!.From);
        Assert.Equal("Platinum", change.To);
    }

    [Theory]
    [InlineData(0, 5, "Regular", TierChangeReasons.Orders)]
    [InlineData(1000, 10, "Premium", TierChangeReasons.RollingSpendAndOrders)]
    [InlineData(5000, 0, "Elite", TierChangeReasons.RollingSpend)]
    [InlineData(0, 40, "Elite", TierChangeReasons.Orders)]
    public void The_upgrade_reason_names_the_criterion_met(decimal spend, int orders, string tier, string reason)
    {
        var change = TierLadder.Evaluate(new LoyaltyAccount(), spend, orders, T0, Mixed);

        Assert.Equal(tier, change!.To);
        Assert.Equal(reason, change.Reason);
    }

    // ---- re-qualification and downgrades ----

    [Fact]
    public void Losing_qualification_changes_nothing_before_the_requalification_date()
    {
        var account = Holding("Gold", T0);

        foreach (var at in new[] { T0.AddDays(1), T0.AddMonths(6), T0.AddMonths(12).AddTicks(-1) })
        {
            Assert.Null(TierLadder.Evaluate(account, 0m, 0, at, Rules));
        }

        Assert.Equal("Gold", account.Tier);
        Assert.Null(account.DowngradeDueAt);
    }

    [Fact]
    public void Still_qualifying_at_the_requalification_date_extends_it_by_a_period()
    {
        var account = Holding("Gold", T0);

        Assert.Null(TierLadder.Evaluate(account, 1000m, 0, T0.AddMonths(12), Rules));

        Assert.Equal("Gold", account.Tier);
        Assert.Equal(T0.AddMonths(24), account.RequalifyAt);
        Assert.Equal(T0, account.TierAttainedAt);
    }

    [Fact]
    public void Failing_requalification_starts_the_grace_and_the_downgrade_comes_only_after_it()
    {
        var account = Holding("Gold", T0);
        var requalifyAt = T0.AddMonths(12);
        var due = requalifyAt.AddDays(30);

        Assert.Null(TierLadder.Evaluate(account, 600m, 0, requalifyAt, Rules));
        Assert.Equal(due, account.DowngradeDueAt);
        Assert.Equal("Gold", account.Tier);

        Assert.Null(TierLadder.Evaluate(account, 600m, 0, due.AddTicks(-1), Rules));
        Assert.Equal("Gold", account.Tier);

        var change = TierLadder.Evaluate(account, 600m, 0, due, Rules);

        Assert.Equal(new TierChange(null, "Gold", "Silver", TierChangeReasons.Requalification, due, IsUpgrade: false), change);
        Assert.Equal(due, account.TierAttainedAt);
        Assert.Equal(due.AddMonths(12), account.RequalifyAt);
        Assert.Null(account.DowngradeDueAt);
    }

    [Fact]
    public void The_downgrade_goes_to_the_tier_qualified_for_at_that_moment_and_can_skip_tiers()
    {
        var account = Holding("Platinum", T0);
        TierLadder.Evaluate(account, 0m, 0, T0.AddMonths(12), Rules);

        var change = TierLadder.Evaluate(account, 0m, 0, T0.AddMonths(12).AddDays(30), Rules);

        Assert.Equal("Bronze", change!.To);
        Assert.Null(account.RequalifyAt);
    }

    [Fact]
    public void The_grace_is_configurable()
    {
        var rules = new LoyaltyRules { DowngradeGrace = TimeSpan.Zero, RequalificationMonths = 6 };
        var account = Holding("Gold", T0, rules);

        var change = TierLadder.Evaluate(account, 0m, 0, T0.AddMonths(6), rules);

        Assert.Equal("Bronze", change!.To);
    }

    [Fact]
    public void Qualifying_again_during_the_grace_cancels_the_downgrade()
    {
        var account = Holding("Gold", T0);
        TierLadder.Evaluate(account, 0m, 0, T0.AddMonths(12), Rules);
        Assert.NotNull(account.DowngradeDueAt);

        Assert.Null(TierLadder.Evaluate(account, 1000m, 2, T0.AddMonths(12).AddDays(10), Rules));

        Assert.Null(account.DowngradeDueAt);
        Assert.Equal(T0.AddMonths(24), account.RequalifyAt);
        Assert.Null(TierLadder.Evaluate(account, 0m, 0, T0.AddMonths(12).AddDays(30), Rules));
        Assert.Equal("Gold", account.Tier);
    }

    [Fact]
    public void Qualifying_higher_during_the_grace_is_an_upgrade()
    {
        var account = Holding("Silver", T0);
        TierLadder.Evaluate(account, 0m, 0, T0.AddMonths(12), Rules);

        var change = TierLadder.Evaluate(account, 1500m, 0, T0.AddMonths(12).AddDays(1), Rules);

        Assert.True(change!.IsUpgrade);
        Assert.Equal("Gold", account.Tier);
        Assert.Null(account.DowngradeDueAt);
    }

    [Fact]
    public void Qualifying_for_a_lower_tier_during_the_grace_still_waits_for_the_due_date()
    {
        var account = Holding("Platinum", T0);
        TierLadder.Evaluate(account, 0m, 0, T0.AddMonths(12), Rules);

        Assert.Null(TierLadder.Evaluate(account, 1200m, 0, T0.AddMonths(12).AddDays(5), Rules));
        Assert.Equal("Platinum", account.Tier);
        Assert.Equal("Gold", TierLadder.Evaluate(account, 1200m, 0, T0.AddMonths(12).AddDays(30), Rules)!.To);
    }

    [Fact]
    public void An_evaluation_long_after_both_dates_downgrades_at_once()
    {
        // The reminder fired late (the cluster was down): the rules still apply in one step,
        // and the change is dated when it fell due, so staleness can tell it is old news.
        var account = Holding("Gold", T0);

        var change = TierLadder.Evaluate(account, 550m, 0, T0.AddMonths(15), Rules);

        Assert.Equal(new TierChange(null, "Gold", "Silver", TierChangeReasons.Requalification, T0.AddMonths(12) + Rules.DowngradeGrace, false), change);
    }

    [Fact]
    public void An_evaluation_long_after_the_date_with_qualification_moves_the_date_by_whole_periods()
    {
        var account = Holding("Gold", T0);

        TierLadder.Evaluate(account, 2000m, 0, T0.AddMonths(30), Rules);

        Assert.Equal(T0.AddMonths(36), account.RequalifyAt);
    }

    [Fact]
    public void The_entry_tier_never_needs_requalification()
    {
        var account = new LoyaltyAccount();
        TierLadder.Evaluate(account, 0m, 0, T0, Rules);

        Assert.Null(TierLadder.Evaluate(account, 0m, 0, T0.AddYears(5), Rules));
        Assert.Equal("Bronze", account.Tier);
        Assert.Null(account.RequalifyAt);
    }

    [Fact]
    public void A_tier_held_without_a_requalification_date_gets_one_from_when_it_was_attained()
    {
        var account = new LoyaltyAccount { Tier = "Gold", TierAttainedAt = T0 };

        Assert.Null(TierLadder.Evaluate(account, 0m, 0, T0.AddMonths(1), Rules));

        Assert.Equal(T0.AddMonths(12), account.RequalifyAt);
    }

    [Fact]
    public void A_tier_removed_from_the_ladder_is_replaced_by_the_qualified_tier()
    {
        var account = new LoyaltyAccount { Tier = "Diamond", TierAttainedAt = T0 };

        var change = TierLadder.Evaluate(account, 700m, 0, T0.AddDays(1), Rules);

        Assert.Equal(new TierChange(null, "Diamond", "Silver", TierChangeReasons.LadderChanged, T0.AddDays(1), false), change);
    }

    // ---- configuration ----

    [Fact]
    public void The_default_rules_are_valid()
    {
        Assert.Empty(new LoyaltyRules().Validate());
        Assert.Empty(Mixed.Validate());
        Assert.Equal(["Bronze", "Silver", "Gold", "Platinum"], new LoyaltyRules().Tiers.Select(t => t.Name));
        Assert.Equal([1m, 1.25m, 1.5m, 2m], new LoyaltyRules().Tiers.Select(t => t.Multiplier));
        Assert.Equal([14, 3], new LoyaltyRules().ExpiryReminderDays);
    }

    public static TheoryData<string, LoyaltyRules> InvalidRules() => new()
    {
        { "unsorted", new LoyaltyRules { Tiers = [new() { Name = "A" }, new() { Name = "B", MinRollingSpend = 1000m }, new() { Name = "C", MinRollingSpend = 500m }] } },
        { "same thresholds twice", new LoyaltyRules { Tiers = [new() { Name = "A" }, new() { Name = "B", MinOrders = 3 }, new() { Name = "C", MinOrders = 3 }] } },
        { "entry tier with a criterion", new LoyaltyRules { Tiers = [new() { Name = "A", MinRollingSpend = 1m }] } },
        { "upper tier without a criterion", new LoyaltyRules { Tiers = [new() { Name = "A" }, new() { Name = "B" }] } },
        { "multiplier 0", new LoyaltyRules { Tiers = [new() { Name = "A", Multiplier = 0m }] } },
        { "no tiers", new LoyaltyRules { Tiers = [] } },
        { "unnamed tier", new LoyaltyRules { Tiers = [new() { Name = " " }] } },
        { "defaults with configuration appended", new LoyaltyRules { Tiers = [.. LoyaltyRules.DefaultTiers(), .. LoyaltyRules.DefaultTiers()] } },
        { "reminder day twice", new LoyaltyRules { ExpiryReminderDays = [14, 3, 14] } },
        { "reminder day 0", new LoyaltyRules { ExpiryReminderDays = [0] } },
        { "reminder before the lot was earned", new LoyaltyRules { ExpiryMonths = 1, ExpiryReminderDays = [30] } },
        { "expiry 0 months", new LoyaltyRules { ExpiryMonths = 0 } },
        { "negative points per unit", new LoyaltyRules { PointsPerUnit = -1m } },
        { "requalification 0 months", new LoyaltyRules { RequalificationMonths = 0 } },
        { "negative grace", new LoyaltyRules { DowngradeGrace = TimeSpan.FromDays(-1) } },
        { "qualification window 0", new LoyaltyRules { QualificationWindowDays = 0 } },
    };

    [Theory]
    [MemberData(nameof(InvalidRules))]
    public void Invalid_rules_are_reported(string @case, LoyaltyRules rules)
    {
        Assert.True(rules.Validate().Count > 0, @case);
    }
}

namespace Engine.Domain.Loyalty;

/// <summary>
/// Which tier a customer holds. Upgrades happen on the event that crosses a threshold;
/// downgrades never happen on an event: a tier is held until its re-qualification date, and
/// a customer who does not qualify then keeps it for a grace period before it is lowered to
/// what they qualify for at that moment.
/// </summary>
public static class TierLadder
{
    /// <summary>The highest tier whose criteria the figures meet; the entry tier when none is met.</summary>
    public static TierDefinition Qualify(decimal rollingSpend, int rollingOrders, LoyaltyRules rules) =>
        rules.Tiers[QualifyIndex(rollingSpend, rollingOrders, rules)];

    /// <summary>Index of the highest tier met (0 when none is, or the ladder is empty).</summary>
    public static int QualifyIndex(decimal rollingSpend, int rollingOrders, LoyaltyRules rules)
    {
        for (var i = rules.Tiers.Count - 1; i > 0; i--)
        {
            if (rules.Tiers[i].IsMetBy(rollingSpend, rollingOrders))
            {
                return i;
            }
        }

        return 0;
    }

    /// <summary>
    /// Brings the account's tier up to date with the customer's figures as of
    /// <paramref name="now"/> and returns the change, if any:
    /// <list type="bullet">
    /// <item>no tier yet: the entry tier, silently (then an upgrade if the figures already reach higher);</item>
    /// <item>qualifies above the held tier: upgrade now, re-qualification due <see cref="LoyaltyRules.RequalificationMonths"/> later;</item>
    /// <item>at or after the re-qualification date and still qualifies: the date moves on by whole periods;
    /// no longer qualifies: the downgrade is due a grace period after that date;</item>
    /// <item>qualifies again before the downgrade is due: the downgrade is cancelled;</item>
    /// <item>at or after the due date: lowered to the tier qualified for now (reason "requalification").</item>
    /// </list>
    /// </summary>
    public static TierChange? Evaluate(LoyaltyAccount account, decimal rollingSpend, int rollingOrders, DateTimeOffset now, LoyaltyRules rules)
    {
        if (rules.Tiers.Count == 0)
        {
            return null;
        }

        if (account.Tier is null)
        {
            Hold(account, 0, now, rules);
        }

        var qualified = QualifyIndex(rollingSpend, rollingOrders, rules);
        var held = rules.IndexOfTier(account.Tier);
        if (held < 0)
        {
            // The ladder was reconfigured without the customer's tier: place them where they qualify.
            var from = account.Tier!;
            Hold(account, qualified, now, rules);
            return new TierChange(null, from, account.Tier!, TierChangeReasons.LadderChanged, now, IsUpgrade: false);
        }

        if (qualified > held)
        {
            var from = account.Tier!;
            Hold(account, qualified, now, rules);
            return new TierChange(null, from, account.Tier!, UpgradeReason(rules.Tiers[qualified], rollingSpend), now, IsUpgrade: true);
        }

        if (held == 0)
        {
            account.RequalifyAt = null;
            account.DowngradeDueAt = null;
            return null;
        }

        // A tier held from before re-qualification existed: its period starts when it was attained.
        account.RequalifyAt ??= AddMonths(account.TierAttainedAt ?? now, rules);

        if (qualified == held)
        {
            if (account.RequalifyAt <= now || account.DowngradeDueAt is not null)
            {
                account.DowngradeDueAt = null;
                account.RequalifyAt = NextPeriodAfter(account.RequalifyAt.Value, now, rules);
            }

            return null;
        }

        if (account.DowngradeDueAt is null && account.RequalifyAt <= now)
        {
            account.DowngradeDueAt = account.RequalifyAt.Value + rules.DowngradeGrace;
        }

        if (account.DowngradeDueAt is { } due && due <= now)
        {
            var from = account.Tier!;
            Hold(account, qualified, now, rules);
            // Dated when it fell due, not when it was noticed: a downgrade found late (history
            // loaded, a silo down) is old news, and staleness and the historical mark go by this.
            return new TierChange(null, from, account.Tier!, TierChangeReasons.Requalification, due, IsUpgrade: false);
        }

        return null;
    }

    private static void Hold(LoyaltyAccount account, int index, DateTimeOffset now, LoyaltyRules rules)
    {
        account.Tier = rules.Tiers[index].Name;
        account.TierAttainedAt = now;
        account.RequalifyAt = index == 0 ? null : AddMonths(now, rules);
        account.DowngradeDueAt = null;
    }

    private static string UpgradeReason(TierDefinition tier, decimal rollingSpend)
    {
        if (tier.MinRollingSpend is null)
        {
            return TierChangeReasons.Orders;
        }

        if (tier.MinOrders is null)
        {
            return TierChangeReasons.RollingSpend;
        }

        return tier.RequireBoth ? TierChangeReasons.RollingSpendAndOrders
            : rollingSpend >= tier.MinRollingSpend ? TierChangeReasons.RollingSpend
            : TierChangeReasons.Orders;
    }

    private static DateTimeOffset AddMonths(DateTimeOffset at, LoyaltyRules rules) =>
        at.ToUniversalTime().AddMonths(Math.Max(1, rules.RequalificationMonths));

    /// <summary>The re-qualification date moved on by whole periods until it is after <paramref name="now"/>.</summary>
    private static DateTimeOffset NextPeriodAfter(DateTimeOffset requalifyAt, DateTimeOffset now, LoyaltyRules rules)
    {
        var next = requalifyAt;
        while (next <= now)
        {
            next = AddMonths(next, rules);
        }

        return next;
    }
}

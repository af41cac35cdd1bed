namespace Engine.Domain.Loyalty;

/// <summary>How points lots expire.</summary>
public enum PointsExpiryMode
{
    /// <summary>Each lot expires <see cref="LoyaltyRules.ExpiryMonths"/> after it was earned.</summary>
    FixedAfterEarning = 0,

    /// <summary>
    /// All points expire together after <see cref="LoyaltyRules.ExpiryMonths"/> without
    /// activity (a purchase or a redemption); each activity moves every live lot's expiry on.
    /// </summary>
    RollingInactivity = 1,
}

/// <summary>One rung of the tier ladder.</summary>
public sealed class TierDefinition
{
    public string Name { get; set; } = "";

    /// <summary>Spend in the base currency over the qualification window; null: not a criterion.</summary>
    public decimal? MinRollingSpend { get; set; }

    /// <summary>Orders over the qualification window; null: not a criterion.</summary>
    public int? MinOrders { get; set; }

    /// <summary>With both criteria set: true needs spend AND orders, false spend OR orders.</summary>
    public bool RequireBoth { get; set; }

    /// <summary>Points earned per purchase are multiplied by this while the customer holds the tier.</summary>
    public decimal Multiplier { get; set; } = 1m;

    /// <summary>True when the tier has no criterion (the entry tier).</summary>
    public bool IsOpen => MinRollingSpend is null && MinOrders is null;

    /// <summary>Whether a rolling spend and order count meet this tier's criteria.</summary>
    public bool IsMetBy(decimal rollingSpend, int rollingOrders)
    {
        var spend = MinRollingSpend is { } minSpend ? rollingSpend >= minSpend : (bool?)null;
        var orders = MinOrders is { } minOrders ? rollingOrders >= minOrders : (bool?)null;
        return (spend, orders) switch
        {
            (null, null) => true,
            ({ } s, null) => s,
            (null, { } o) => o,
            ({ } s, { } o) => RequireBoth ? s && o : s || o,
        };
    }
}

/// <summary>
/// The tunable loyalty rules, bound from the "Loyalty" configuration section.
/// </summary>
/// <remarks>
/// The collections start with the defaults so that <c>new LoyaltyRules()</c> is the default
/// programme. Microsoft.Extensions.Configuration's binder appends to a collection that
/// already has items (it never replaces it), so whoever binds configuration onto this class
/// must clear <see cref="Tiers"/> and <see cref="ExpiryReminderDays"/> first when the section
/// sets them; <see cref="Validate"/> reports a ladder with a repeated tier or a repeated
/// reminder day, which is what an appended default looks like.
/// </remarks>
public sealed class LoyaltyRules
{
    public const string SectionName = "Loyalty";

    /// <summary>Points per unit of the base currency, before the tier multiplier; the product is floored to whole points.</summary>
    public decimal PointsPerUnit { get; set; } = 1m;

    public PointsExpiryMode Expiry { get; set; } = PointsExpiryMode.FixedAfterEarning;

    /// <summary>Months after earning (fixed) or after the last activity (rolling) that points expire.</summary>
    public int ExpiryMonths { get; set; } = 12;

    /// <summary>Days before a lot's expiry on which the customer is reminded.</summary>
    public List<int> ExpiryReminderDays { get; set; } = [14, 3];

    /// <summary>The ladder, lowest first. The first tier has no criteria: every customer holds at least it.</summary>
    public List<TierDefinition> Tiers { get; set; } = DefaultTiers();

    /// <summary>Length of the window over which spend and orders qualify for a tier.</summary>
    public int QualificationWindowDays { get; set; } = 365;

    /// <summary>How long an attained tier is held before the customer must qualify for it again.</summary>
    public int RequalificationMonths { get; set; } = 12;

    /// <summary>How long after a failed re-qualification the customer keeps the tier.</summary>
    public TimeSpan DowngradeGrace { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Whether a downgrade gets an SMS (its text is the tier_downgrade template); an upgrade always does.</summary>
    public bool SendDowngradeSms { get; set; } = true;

    /// <summary>
    /// A tier change decided more than this after its moment (the deciding event's time, or
    /// when a downgrade fell due) is published marked historical, and its SMS is stale:
    /// history loaded late, or a producer catching up after an outage, is not news.
    /// </summary>
    public TimeSpan HistoricalAfter { get; set; } = TimeSpan.FromHours(24);

    public static List<TierDefinition> DefaultTiers() =>
    [
        new() { Name = "Bronze", Multiplier = 1m },
        new() { Name = "Silver", MinRollingSpend = 500m, Multiplier = 1.25m },
        new() { Name = "Gold", MinRollingSpend = 1000m, Multiplier = 1.5m },
        new() { Name = "Platinum", MinRollingSpend = 5000m, Multiplier = 2m },
    ];

    /// <summary>Position of a tier in the ladder, or -1 when the ladder has no tier of that name.</summary>
    public int IndexOfTier(string? name) =>
        name is null ? -1 : Tiers.FindIndex(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    /// <summary>The multiplier of a tier; an unknown or unassigned tier earns at the entry tier's.</summary>
    public decimal MultiplierOf(string? tier)
    {
        var index = IndexOfTier(tier);
        return index >= 0 ? Tiers[index].Multiplier : Tiers.Count > 0 ? Tiers[0].Multiplier : 1m;
    }

    /// <summary>When points earned or last moved at <paramref name="at"/> expire: calendar months, in UTC.</summary>
    public DateTimeOffset ExpiryFrom(DateTimeOffset at) => at.ToUniversalTime().AddMonths(ExpiryMonths);

    /// <summary>Everything wrong with these rules; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (PointsPerUnit < 0)
        {
            errors.Add("Loyalty:PointsPerUnit must not be negative");
        }

        if (ExpiryMonths < 1)
        {
            errors.Add("Loyalty:ExpiryMonths must be at least 1");
        }

        if (ExpiryReminderDays.Any(d => d < 1))
        {
            errors.Add("Loyalty:ExpiryReminderDays must all be at least 1");
        }

        if (ExpiryMonths >= 1 && ExpiryReminderDays.Any(d => d >= ExpiryMonths * 28))
        {
            errors.Add("Loyalty:ExpiryReminderDays must be shorter than the shortest lot life (ExpiryMonths)");
        }

        if (ExpiryReminderDays.Distinct().Count() != ExpiryReminderDays.Count)
        {
            errors.Add("Loyalty:ExpiryReminderDays has a day twice (configuration appended to the defaults?)");
        }

        if (QualificationWindowDays < 1)
        {
            errors.Add("Loyalty:QualificationWindowDays must be at least 1");
        }

        if (RequalificationMonths < 1)
        {
            errors.Add("Loyalty:RequalificationMonths must be at least 1");
        }

        if (DowngradeGrace < TimeSpan.Zero)
        {
            errors.Add("Loyalty:DowngradeGrace must not be negative");
        }

        if (HistoricalAfter <= TimeSpan.Zero)
        {
            errors.Add("Loyalty:HistoricalAfter must be positive");
        }

        ValidateLadder(errors);
        return errors;
    }

    private void ValidateLadder(List<string> errors)
    {
        if (Tiers.Count == 0)
        {
            errors.Add("Loyalty:Tiers must have at least one tier");
            return;
        }

        if (!Tiers[0].IsOpen)
        {
            errors.Add($"Loyalty:Tiers: the first tier ({Tiers[0].Name}) must have no criteria");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Tiers.Count; i++)
        {
            var tier = Tiers[i];
            if (string.IsNullOrWhiteSpace(tier.Name))
            {
                errors.Add($"Loyalty:Tiers:{i} has no name");
            }
            else if (!names.Add(tier.Name))
            {
                errors.Add($"Loyalty:Tiers has {tier.Name} twice (configuration appended to the defaults?)");
            }

            if (tier.Multiplier <= 0)
            {
                errors.Add($"Loyalty:Tiers:{i} ({tier.Name}) multiplier must be above 0");
            }

            if (tier.MinRollingSpend < 0 || tier.MinOrders < 0)
            {
                errors.Add($"Loyalty:Tiers:{i} ({tier.Name}) thresholds must not be negative");
            }

            if (i == 0)
            {
                continue;
            }

            var previous = Tiers[i - 1];
            if (tier.IsOpen)
            {
                errors.Add($"Loyalty:Tiers:{i} ({tier.Name}) needs a spend or an order criterion");
            }
            else if (tier.MinRollingSpend < previous.MinRollingSpend
                || tier.MinOrders < previous.MinOrders
                || (tier.MinRollingSpend == previous.MinRollingSpend && tier.MinOrders == previous.MinOrders && tier.RequireBoth == previous.RequireBoth))
            {
                errors.Add($"Loyalty:Tiers must be sorted ascending: {tier.Name} is not harder to reach than {previous.Name}");
            }
        }
    }
}

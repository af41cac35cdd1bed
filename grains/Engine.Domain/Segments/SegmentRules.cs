namespace Engine.Domain.Segments;

/// <summary>
/// The live segments, bound from <c>Segments:Rules:{name}</c> (a definition per segment, see
/// <see cref="SegmentRule"/>). Unset, the defaults below apply; a configured name replaces its
/// default, and an empty definition removes that segment.
/// </summary>
public sealed class SegmentOptions
{
    public const string SectionName = "Segments";

    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Worth the most next year and likely still buying, or a good customer who is also an
        // advocate: a referral that bought is worth more than the advocate's own forecast says.
        ["high-value"] = "clv_percentile >= 80 and p_alive >= 0.5 or clv_percentile >= 60 and referred_buyers >= 1 and p_alive >= 0.5",
        // Predicted to spend well beyond what they have spent so far.
        ["rising"] = "orders >= 2 and clv_to_spend >= 1.5 and p_alive >= 0.6",
        // Valuable, and slipping away.
        ["at-risk"] = "rfm_group in (at_risk, cant_lose) or clv_percentile >= 60 and p_alive < 0.4",
        ["frequent"] = "orders_365d >= 6",
        ["seasonal"] = "orders >= 4 and seasonality >= 0.6",
        ["low-engagement"] = "engagement_score < 10 and days_since_last_activity >= 30",
        ["new"] = "days_since_first_purchase <= 30",
        ["cart-abandoner"] = "cart_abandoned == true",
    };

    public Dictionary<string, string> Rules { get; set; } = [];

    /// <summary>
    /// How often a customer's segments are evaluated again with no event (P(alive) decays, the
    /// days since a purchase grow), through the customer's wake-up reminder. At most a day.
    /// </summary>
    public TimeSpan ReevaluateEvery { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Of <paramref name="names"/> (e.g. a cart step's audience), those no segment in force is called.</summary>
    public IReadOnlyList<string> Undefined(IEnumerable<string> names)
    {
        var defined = Effective();
        return [.. names.Where(name => !defined.ContainsKey(name)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The definitions in force: the defaults with the configured ones over them.</summary>
    public IReadOnlyDictionary<string, string> Effective()
    {
        var rules = new Dictionary<string, string>(Defaults, StringComparer.Ordinal);
        foreach (var (name, text) in Rules)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                rules.Remove(name);
            }
            else
            {
                rules[name] = text;
            }
        }

        return rules;
    }
}

/// <summary>The segments a customer is in, each with why.</summary>
public sealed class SegmentRules
{
    private readonly IReadOnlyList<SegmentRule> _rules;

    public SegmentRules(IEnumerable<SegmentRule> rules) => _rules = [.. rules.OrderBy(r => r.Name, StringComparer.Ordinal)];

    public IReadOnlyList<SegmentRule> All => _rules;

    public SegmentRule? Find(string name) => _rules.FirstOrDefault(r => r.Name == name);

    /// <summary>Parses every definition; throws naming each one that is wrong.</summary>
    public static SegmentRules From(SegmentOptions options)
    {
        var problems = new List<string>();
        var rules = new List<SegmentRule>();
        foreach (var (name, text) in options.Effective())
        {
            try
            {
                rules.Add(SegmentRule.Parse(name, text));
            }
            catch (FormatException e)
            {
                problems.Add(e.Message);
            }
        }

        return problems.Count == 0 ? new SegmentRules(rules) : throw new FormatException(string.Join("; ", problems));
    }

    /// <summary>
    /// Whether the customer is in exactly <paramref name="current"/> (ordinal order), checked
    /// without building any explanation: what every batch asks, and the answer is mostly yes.
    /// </summary>
    public bool SameMemberships(IReadOnlyList<string> current, SegmentFacts facts)
    {
        var at = 0;
        foreach (var rule in _rules)
        {
            if (rule.Holds(facts))
            {
                if (at >= current.Count || !string.Equals(current[at], rule.Name, StringComparison.Ordinal))
                {
                    return false;
                }

                at++;
            }
        }

        return at == current.Count;
    }

    /// <summary>Segment name → why, for each segment the customer is in, by name.</summary>
    public IReadOnlyDictionary<string, string> Evaluate(SegmentFacts facts)
    {
        var memberships = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var rule in _rules)
        {
            if (rule.Explain(facts) is { } why)
            {
                memberships[rule.Name] = why;
            }
        }

        return memberships;
    }
}

/// <summary>A customer joining or leaving a segment, as published to <c>engagement.segment-changes</c>.</summary>
public sealed record SegmentChange(string Segment, bool Joined);

public static class SegmentChanges
{
    /// <summary>What changed from <paramref name="before"/> to <paramref name="after"/>: left segments first, by name, then joined ones.</summary>
    public static IReadOnlyList<SegmentChange> Between(IEnumerable<string> before, IEnumerable<string> after)
    {
        var was = before.ToHashSet(StringComparer.Ordinal);
        var now = after.ToHashSet(StringComparer.Ordinal);
        return
        [
            .. was.Except(now).Order(StringComparer.Ordinal).Select(s => new SegmentChange(s, false)),
            .. now.Except(was).Order(StringComparer.Ordinal).Select(s => new SegmentChange(s, true)),
        ];
    }
}

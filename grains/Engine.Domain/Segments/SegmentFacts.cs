using System.Globalization;

namespace Engine.Domain.Segments;

/// <summary>
/// What segment rules may look at, one value per name (snake_case, as rules spell them). Built
/// by the customer from its state, its forecast and the population's latest percentiles; absent
/// facts (no purchase yet, no model fitted) read as missing, and a condition on a missing fact is
/// false, so a customer is never put in a segment on a value nobody knows.
/// </summary>
public sealed class SegmentFacts
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);

    /// <summary>The names rules may use, with what each is; unknown names are refused when rules load.</summary>
    public static IReadOnlyDictionary<string, string> Known { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["tier"] = "loyalty tier (text, lower case)",
        ["lifetime_spend"] = "lifetime spend in the base currency",
        ["orders"] = "orders in the customer's life",
        ["orders_365d"] = "purchase days in the last 365 days",
        ["days_since_first_purchase"] = "days since the first purchase",
        ["days_since_last_purchase"] = "days since the last purchase",
        ["days_since_last_activity"] = "days since the last event of any kind",
        ["engagement_score"] = "engagement score (clicks and sessions)",
        ["clv"] = "predicted lifetime value over the forecast horizon",
        ["clv_percentile"] = "where the predicted lifetime value ranks in the population, 0–100",
        ["clv_to_spend"] = "predicted lifetime value ÷ lifetime spend",
        ["p_alive"] = "probability the customer is still active, 0–1",
        ["rfm"] = "RFM score as three digits, e.g. 545",
        ["rfm_group"] = "RFM group: champions, loyal, potential_loyalist, new, promising, need_attention, about_to_sleep, at_risk, cant_lose, hibernating, lost",
        ["seasonality"] = "share of purchase days in the customer's busiest three months, 0–1",
        ["cart_abandoned"] = "an abandoned cart is open (true or false)",
        ["country"] = "country code of the phone number (text)",
        ["referrals"] = "customers this one referred",
        ["referred_buyers"] = "customers this one referred who bought",
    };

    public SegmentFacts Set(string name, double? value)
    {
        Check(name);
        if (value is { } v && double.IsFinite(v))
        {
            _values[name] = v;
        }

        return this;
    }

    public SegmentFacts Set(string name, bool value)
    {
        Check(name);
        _values[name] = value;
        return this;
    }

    public SegmentFacts Set(string name, string? value)
    {
        Check(name);
        if (!string.IsNullOrEmpty(value))
        {
            _values[name] = value.ToLowerInvariant();
        }

        return this;
    }

    public bool TryGet(string name, out object value) => _values.TryGetValue(name, out value!);

    /// <summary>The value as a rule's explanation shows it.</summary>
    public string Show(string name) => _values.TryGetValue(name, out var value)
        ? value switch
        {
            double d => d.ToString("0.###", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            _ => value.ToString() ?? "",
        }
        : "unknown";

    private static void Check(string name)
    {
        if (!Known.ContainsKey(name))
        {
            throw new ArgumentOutOfRangeException(nameof(name), name, "not a segment fact");
        }
    }
}

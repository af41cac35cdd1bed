using Engine.Domain.Customers;
using Engine.Domain.Value;
using Engine.Domain.Value.Model;

namespace Engine.Domain.Segments;

/// <summary>
/// The facts segment rules read, from one customer's state, the time, its engagement score,
/// its forecast (null before a model is fitted) and the population's ranks published with the
/// model (<c>clv_percentile</c>, <c>rfm</c>, <c>rfm_group</c>: unknown with a model fitted before
/// ranks were computed), and the country of its number (<c>country</c>, the code only).
/// </summary>
public static class CustomerSegmentFacts
{
    /// <summary>Purchase days needed before a customer's calendar can say it is seasonal.</summary>
    public const int SeasonalityMinimumDays = 4;

    public static SegmentFacts From(CustomerState state, DateTimeOffset now, double engagementScore, ValueForecast? forecast, PopulationRanks? ranks = null, string? country = null)
    {
        var value = state.Value;
        var today = CustomerValue.DayNumber(now);
        var lastActivity = Latest(state.Engagement.LastSeenAt, value.LastPurchaseAt);
        var facts = new SegmentFacts()
            .Set("tier", state.Loyalty.Tier)
            .Set("lifetime_spend", (double)value.LifetimeSpend)
            .Set("orders", value.Orders)
            .Set("orders_365d", value.PurchaseDays.Count(day => day > today - 365 && day <= today))
            .Set("days_since_first_purchase", value.FirstPurchaseAt is { } first ? today - CustomerValue.DayNumber(first) : null)
            .Set("days_since_last_purchase", value.RecencyDays(now))
            .Set("days_since_last_activity", lastActivity is { } seen ? Math.Max(0, today - CustomerValue.DayNumber(seen)) : null)
            .Set("engagement_score", engagementScore)
            .Set("cart_abandoned", state.CartAbandonment.Active)
            .Set("seasonality", Seasonality(value.PurchaseDays))
            .Set("country", country)
            .Set("referrals", state.Referrals.Referred)
            .Set("referred_buyers", state.Referrals.ReferredBuyers);
        if (ranks is not null && Rfm(state, now, ranks) is { } rfm)
        {
            facts.Set("rfm", rfm.ToString()).Set("rfm_group", RfmGroups.Key(rfm.Group));
        }

        if (ranks is not null && forecast is not null)
        {
            facts.Set("clv_percentile", ranks.ClvPercentile((double)forecast.PredictedLifetimeValue));
        }
        if (forecast is not null)
        {
            facts.Set("clv", (double)forecast.PredictedLifetimeValue)
                .Set("p_alive", forecast.ProbabilityAlive)
                .Set("clv_to_spend", value.LifetimeSpend > 0 ? (double)(forecast.PredictedLifetimeValue / value.LifetimeSpend) : null);
        }

        return facts;
    }

    /// <summary>
    /// The customer's RFM score against the population's quintiles: days since the last
    /// purchase, purchase days and lifetime spend, as the ranks were computed; null before a purchase.
    /// </summary>
    public static RfmScore? Rfm(CustomerState state, DateTimeOffset now, PopulationRanks ranks) =>
        state.Value.RecencyDays(now) is { } recency
            ? ranks.Rfm.Score(recency, state.Value.Frequency + 1, (double)state.Value.LifetimeSpend)
            : null;

    /// <summary>
    /// The share of the purchase days (those kept one by one, the last 400) that fall in the
    /// customer's busiest three calendar months: 0.25 for a customer who buys all year round,
    /// 1 for one who buys only around the holidays. Unknown below a handful of days.
    /// </summary>
    public static double? Seasonality(IReadOnlyCollection<int> purchaseDays)
    {
        if (purchaseDays.Count < SeasonalityMinimumDays)
        {
            return null;
        }

        // Evaluated at every write: on the stack, sorted in place.
        Span<int> perMonth = stackalloc int[12];
        foreach (var day in purchaseDays)
        {
            perMonth[DateOnly.FromDayNumber(day).Month - 1]++;
        }

        perMonth.Sort();
        return (perMonth[11] + perMonth[10] + perMonth[9]) / (double)purchaseDays.Count;
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is { } x && (b is not { } y || x >= y) ? a : b;
}

using Engine.Domain.Customers;
using Engine.Domain.Events;

namespace Engine.Domain.Engagement;

/// <summary>
/// How actively a customer interacts: clicks per action, sessions, last seen, and a score
/// that decays exponentially so that last week's visits count more than last year's.
/// </summary>
[GenerateSerializer, Alias("engine.CustomerEngagement")]
public sealed class CustomerEngagement
{
    /// <summary>Recent session ids remembered to count each session once.</summary>
    public const int RecentSessionCapacity = 16;

    [Id(0)] public int PageViews { get; set; }
    [Id(1)] public int ProductViews { get; set; }
    [Id(2)] public int AddToCarts { get; set; }
    [Id(3)] public int RemoveFromCarts { get; set; }
    [Id(4)] public int CheckoutsStarted { get; set; }
    [Id(5)] public int Sessions { get; set; }
    [Id(6)] public List<ulong> RecentSessions { get; set; } = [];
    [Id(7)] public DateTimeOffset? LastSeenAt { get; set; }

    /// <summary>The decayed score as of <see cref="ScoreAsOf"/>.</summary>
    [Id(8)] public double Score { get; set; }
    [Id(9)] public DateTimeOffset? ScoreAsOf { get; set; }

    public int Clicks => PageViews + ProductViews + AddToCarts + RemoveFromCarts + CheckoutsStarted;

    public void RecordClick(ClickEvent click, EngagementPolicy policy)
    {
        switch (click.Action)
        {
            case ClickAction.PageView: PageViews++; break;
            case ClickAction.ProductView: ProductViews++; break;
            case ClickAction.AddToCart: AddToCarts++; break;
            case ClickAction.RemoveFromCart: RemoveFromCarts++; break;
            case ClickAction.CheckoutStarted: CheckoutsStarted++; break;
        }

        var session = Processing.EventIdHash.Of(click.SessionId);
        if (!RecentSessions.Contains(session))
        {
            Sessions++;
            if (RecentSessions.Count >= RecentSessionCapacity)
            {
                RecentSessions.RemoveAt(0);
            }

            RecentSessions.Add(session);
        }

        Touch(click.OccurredAt, WeightOf(click.Action, policy), policy);
    }

    public void RecordPurchase(PurchaseEvent purchase, EngagementPolicy policy) =>
        Touch(purchase.OccurredAt, policy.PurchaseWeight, policy);

    /// <summary>The score decayed to <paramref name="asOf"/> (never grown for an earlier instant).</summary>
    public double ScoreAt(DateTimeOffset asOf, EngagementPolicy policy) =>
        ScoreAsOf is { } reference && asOf > reference
            ? Score * Math.Exp(-policy.DecayPerSecond * (asOf - reference).TotalSeconds)
            : Score;

    private void Touch(DateTimeOffset at, double weight, EngagementPolicy policy)
    {
        LastSeenAt = LastSeenAt is { } seen && seen >= at ? seen : at;

        // Score is kept as of the newest interaction; an older one arriving late is added
        // already decayed, so the result does not depend on arrival order.
        if (ScoreAsOf is not { } reference)
        {
            Score = weight;
            ScoreAsOf = at;
        }
        else if (at >= reference)
        {
            Score = Score * Math.Exp(-policy.DecayPerSecond * (at - reference).TotalSeconds) + weight;
            ScoreAsOf = at;
        }
        else
        {
            Score += weight * Math.Exp(-policy.DecayPerSecond * (reference - at).TotalSeconds);
        }
    }

    private static double WeightOf(ClickAction action, EngagementPolicy policy) => action switch
    {
        ClickAction.PageView => policy.PageViewWeight,
        ClickAction.ProductView => policy.ProductViewWeight,
        ClickAction.AddToCart => policy.AddToCartWeight,
        ClickAction.RemoveFromCart => policy.RemoveFromCartWeight,
        ClickAction.CheckoutStarted => policy.CheckoutStartedWeight,
        _ => 0,
    };
}

using System.Collections.Concurrent;
using Engine.Domain.Loyalty;

namespace Engine.Grains;

/// <summary>
/// Loyalty figures of this silo's customer grains, exported as metrics by the silo: points
/// earned, redeemed and expired, tier changes by from/to, and active customers per tier.
/// Tier names come from the configured ladder, a small fixed set fit for labels.
/// </summary>
public sealed class LoyaltyStatistics
{
    private long _earned;
    private long _redeemed;
    private long _expired;

    public long PointsEarned => Interlocked.Read(ref _earned);
    public long PointsRedeemed => Interlocked.Read(ref _redeemed);
    public long PointsExpired => Interlocked.Read(ref _expired);

    public ConcurrentDictionary<(string From, string To), long> TierChanges { get; } = new();

    /// <summary>Seconds from a tier change's decision to its record on the topic, waiting to be observed by the metrics histogram.</summary>
    public ConcurrentQueue<double> PublishLatencies { get; } = new();

    public void RecordPublished(double latencySeconds)
    {
        if (PublishLatencies.Count < 100_000)
        {
            PublishLatencies.Enqueue(latencySeconds);
        }
    }

    /// <summary>Customers whose grain is active in this silo, by tier.</summary>
    public ConcurrentDictionary<string, long> ActiveCustomersByTier { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds what one grain's account changed between two snapshots.</summary>
    public void Record(LoyaltyTotals before, LoyaltyTotals after, IEnumerable<LoyaltyEffect> effects)
    {
        Interlocked.Add(ref _earned, Math.Max(0, after.Earned - before.Earned));
        Interlocked.Add(ref _redeemed, Math.Max(0, after.Redeemed - before.Redeemed));
        Interlocked.Add(ref _expired, Math.Max(0, after.Expired - before.Expired));
        foreach (var change in effects.OfType<TierChange>())
        {
            TierChanges.AddOrUpdate((change.From, change.To), 1, (_, n) => n + 1);
        }

        if (before.Tier != after.Tier)
        {
            Leave(before.Tier);
            Enter(after.Tier);
        }
    }

    public void Enter(string? tier) => ActiveCustomersByTier.AddOrUpdate(tier ?? "none", 1, (_, n) => n + 1);

    public void Leave(string? tier) => ActiveCustomersByTier.AddOrUpdate(tier ?? "none", 0, (_, n) => Math.Max(0, n - 1));
}

/// <summary>A snapshot of an account's running totals and tier.</summary>
public readonly record struct LoyaltyTotals(long Earned, long Redeemed, long Expired, string? Tier)
{
    public static LoyaltyTotals Of(LoyaltyAccount account) => new(account.Earned, account.Redeemed, account.Expired, account.Tier);
}

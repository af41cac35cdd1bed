namespace Engine.Domain.Loyalty;

/// <summary>
/// Something the loyalty rules decided that must leave the engine (a published record, an
/// SMS request). Produced by <see cref="Customers.CustomerState"/> and taken by the grain.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.LoyaltyEffect")]
public abstract record LoyaltyEffect
{
    /// <summary>Decided by a backfill event: recorded, published marked historical, never texted.</summary>
    [Id(0)] public bool Historical { get; init; }
}

/// <summary>
/// A customer moved between tiers. <see cref="CustomerId"/> is filled by
/// <see cref="Customers.CustomerState"/> (null from <see cref="TierLadder"/> alone);
/// <see cref="Reason"/> is one of <see cref="TierChangeReasons"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.TierChange")]
public sealed record TierChange(
    [property: Id(0)] string? CustomerId,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] string Reason,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] bool IsUpgrade) : LoyaltyEffect;

/// <summary>
/// Points of a lot (<see cref="LoyaltyAccount.RollingLotId"/> for the whole balance in rolling
/// mode) expire in <see cref="DaysBefore"/> days: the configured reminder day that fell due
/// (the time actually left can be shorter when the reminder is late; <see cref="ExpiresAt"/> is exact).
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.ExpiryReminder")]
public sealed record ExpiryReminder(
    [property: Id(0)] string LotId,
    [property: Id(1)] int DaysBefore,
    [property: Id(2)] long Points,
    [property: Id(3)] DateTimeOffset ExpiresAt) : LoyaltyEffect;

/// <summary>Points of a lot expired unspent.</summary>
[GenerateSerializer, Immutable, Alias("engine.PointsExpired")]
public sealed record PointsExpired(
    [property: Id(0)] string LotId,
    [property: Id(1)] long Points,
    [property: Id(2)] DateTimeOffset ExpiresAt) : LoyaltyEffect;

/// <summary>What a refund took back: <see cref="Taken"/> from the balance, <see cref="Shortfall"/> that the balance could not cover.</summary>
public readonly record struct PointsReversal(long Taken, long Shortfall)
{
    public long Total => Taken + Shortfall;
}

/// <summary>The reasons of a <see cref="TierChange"/>: a small fixed set, fit for a metric label.</summary>
public static class TierChangeReasons
{
    public const string RollingSpend = "rolling_spend";
    public const string Orders = "orders";
    public const string RollingSpendAndOrders = "rolling_spend_and_orders";
    public const string Requalification = "requalification";
    /// <summary>The configured ladder no longer has the customer's tier.</summary>
    public const string LadderChanged = "ladder_changed";
}

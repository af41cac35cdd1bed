namespace Engine.Domain.Loyalty;

/// <summary>Where a lot of points came from.</summary>
public enum PointsLotSource
{
    Purchase = 0,
    Adjustment = 1,
}

/// <summary>
/// Points earned together (one purchase or one manual grant), spent and expired together.
/// Persisted inside <see cref="LoyaltyAccount"/>: field ids are permanent.
/// </summary>
[GenerateSerializer, Alias("engine.PointsLot")]
public sealed class PointsLot
{
    /// <summary>Deterministic id: "order:{orderId}" or "adjust:{eventId}".</summary>
    [Id(0)] public string LotId { get; set; } = "";
    [Id(1)] public PointsLotSource Source { get; set; }
    [Id(2)] public string? OrderId { get; set; }
    [Id(3)] public long Earned { get; set; }
    /// <summary>Points of this lot still spendable (0 once it expired).</summary>
    [Id(4)] public long Remaining { get; set; }
    [Id(5)] public DateTimeOffset EarnedAt { get; set; }
    [Id(6)] public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>Points of this lot lost to expiry.</summary>
    [Id(7)] public long ExpiredPoints { get; set; }
    /// <summary>Points of this lot reversed by refunds of its order, wherever they were taken from (or recorded as shortfall).</summary>
    [Id(8)] public long Reversed { get; set; }
    /// <summary>Base-currency amount of the order refunded so far.</summary>
    [Id(9)] public decimal RefundedInBase { get; set; }

    /// <summary>True when the lot's points can still be spent at <paramref name="at"/>.</summary>
    public bool IsLiveAt(DateTimeOffset at) => ExpiresAt > at;
}

namespace Engine.Domain.Events;

/// <summary>The customer spent points. Refused (insufficient-points) when they hold fewer.</summary>
[GenerateSerializer, Immutable, Alias("engine.PointsRedeemedEvent")]
public sealed record PointsRedeemedEvent : CustomerEvent
{
    /// <summary>Points spent, at least 1.</summary>
    [Id(0)] public required long Points { get; init; }
    [Id(1)] public string? Reason { get; init; }
    /// <summary>The producer's id of the redemption, e.g. a voucher or order id.</summary>
    [Id(2)] public string? RedemptionId { get; init; }

    public override string Type => EventTypes.PointsRedeemed;
}

/// <summary>
/// Money given back for an earlier order, whole or in part. Reverses that share of the
/// order's spend and of the points it earned.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.RefundEvent")]
public sealed record RefundEvent : CustomerEvent
{
    [Id(0)] public required string OrderId { get; init; }
    /// <summary>This refund (not the running total), ≥ 0, in <see cref="Currency"/>.</summary>
    [Id(1)] public required decimal Amount { get; init; }
    [Id(2)] public required string Currency { get; init; }
    /// <summary>The producer's id of this refund (optional): the same id under a new event id is refused.</summary>
    [Id(3)] public string? RefundId { get; init; }

    public override string Type => EventTypes.Refund;
}

/// <summary>A manual grant (positive) or removal (negative) of points, with the reason recorded.</summary>
[GenerateSerializer, Immutable, Alias("engine.PointsAdjustedEvent")]
public sealed record PointsAdjustedEvent : CustomerEvent
{
    /// <summary>Points granted (positive) or removed (negative); never 0.</summary>
    [Id(0)] public required long Points { get; init; }
    [Id(1)] public required string Reason { get; init; }
    /// <summary>The producer's id of this adjustment (optional): the same id under a new event id is refused.</summary>
    [Id(2)] public string? AdjustmentId { get; init; }

    public override string Type => EventTypes.PointsAdjusted;
}

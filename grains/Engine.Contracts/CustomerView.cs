using Engine.Domain.Customers;
using Engine.Domain.Loyalty;

namespace Engine.Contracts;

/// <summary>
/// A customer's state plus the figures that depend on the current time. <see cref="TierProgress"/>
/// needs the configured ladder, which only the silo knows; null from a silo that does not fill it.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.CustomerView")]
public sealed record CustomerView(
    [property: Id(0)] CustomerState State,
    [property: Id(1)] DateTimeOffset AsOf,
    [property: Id(2)] decimal RollingSpend,
    [property: Id(3)] int? RecencyDays,
    [property: Id(4)] double EngagementScore,
    [property: Id(5)] bool HasUnsavedChanges,
    [property: Id(6)] TierProgress? TierProgress = null);

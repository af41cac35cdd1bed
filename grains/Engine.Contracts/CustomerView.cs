using Engine.Domain.Customers;

namespace Engine.Contracts;

/// <summary>A customer's state plus the figures that depend on the current time.</summary>
[GenerateSerializer, Immutable, Alias("engine.CustomerView")]
public sealed record CustomerView(
    [property: Id(0)] CustomerState State,
    [property: Id(1)] DateTimeOffset AsOf,
    [property: Id(2)] decimal RollingSpend,
    [property: Id(3)] int? RecencyDays,
    [property: Id(4)] double EngagementScore,
    [property: Id(5)] bool HasUnsavedChanges);

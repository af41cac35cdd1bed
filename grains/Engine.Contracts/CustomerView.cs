using Engine.Domain.Customers;
using Engine.Domain.Loyalty;
using Engine.Domain.Value.Model;

namespace Engine.Contracts;

/// <summary>
/// A customer's state plus the figures that depend on the current time. <see cref="TierProgress"/>
/// needs the configured ladder, which only the silo knows; null from a silo that does not fill it.
/// <see cref="Forecast"/> is the value model's view of the customer (null before a model is
/// fitted, or before the first purchase); <see cref="Segments"/> the segments the customer is in, each with why;
/// <see cref="Rfm"/> and <see cref="ClvPercentile"/> the customer's rank in the population the model was fitted on (null without ranks).
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.CustomerView")]
public sealed record CustomerView(
    [property: Id(0)] CustomerState State,
    [property: Id(1)] DateTimeOffset AsOf,
    [property: Id(2)] decimal RollingSpend,
    [property: Id(3)] int? RecencyDays,
    [property: Id(4)] double EngagementScore,
    [property: Id(5)] bool HasUnsavedChanges,
    [property: Id(6)] TierProgress? TierProgress = null,
    [property: Id(7)] ValueForecast? Forecast = null,
    [property: Id(8)] IReadOnlyList<SegmentMembership>? Segments = null,
    [property: Id(30)] RfmScore? Rfm = null,
    [property: Id(31)] int? ClvPercentile = null);

/// <summary>A segment the customer is in, and the conditions that put them there with their values.</summary>
[GenerateSerializer, Immutable, Alias("engine.SegmentMembership")]
public sealed record SegmentMembership([property: Id(0)] string Segment, [property: Id(1)] string Why);

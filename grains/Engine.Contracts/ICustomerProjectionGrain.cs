using Engine.Domain.Projection;
using Orleans.Concurrency;

namespace Engine.Contracts;

/// <summary>
/// Questions about many customers, answered from the customer projection (one summary row
/// per customer, written with each customer's state; docs/architecture.md, "Customer
/// projection"), never by asking every grain. One entry point for the engine: <see cref="Key"/>.
/// Rows are as of their customer's last write.
/// </summary>
[Alias("engine.ICustomerProjectionGrain")]
public interface ICustomerProjectionGrain : IGrainWithStringKey
{
    const string Key = "projection";

    /// <summary>Customers per tier (null tier: not placed on the ladder yet), largest first.</summary>
    [Alias("GetTiers"), ReadOnly]
    Task<IReadOnlyList<GroupCount>> GetTiersAsync();

    /// <summary>Every configured segment with its definition and size, by name.</summary>
    [Alias("GetSegments"), ReadOnly]
    Task<IReadOnlyList<SegmentSize>> GetSegmentsAsync();

    /// <summary>The first <paramref name="limit"/> customers by <paramref name="by"/>, highest first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit is not between 1 and <see cref="ProjectionLimits.MaxTop"/>.</exception>
    [Alias("GetTop"), ReadOnly]
    Task<IReadOnlyList<CustomerSummary>> GetTopAsync(RankBy by, int limit);

    /// <summary>How many customers match every part of the filter given (a campaign's audience).</summary>
    [Alias("CountAudience"), ReadOnly]
    Task<long> CountAudienceAsync(AudienceFilter filter);

    /// <summary>The customer's row, or null when it has none.</summary>
    [Alias("FindById"), ReadOnly]
    Task<CustomerSummary?> FindByIdAsync(string customerId);

    /// <summary>
    /// The customers holding a phone number: normalised to E.164 and keyed as the suppression
    /// list keys it, so the projection holds the key, never the number. Empty when none does.
    /// </summary>
    /// <exception cref="ArgumentException">The text is not a phone number.</exception>
    [Alias("FindByPhone"), ReadOnly]
    Task<IReadOnlyList<CustomerSummary>> FindByPhoneAsync(string phone);

    /// <summary>
    /// The value model's purchase summaries (in days, observed until now) of buying customers
    /// after <paramref name="afterCustomerId"/> in id order, at most <paramref name="limit"/>:
    /// a page of what <c>model fit --from postgres</c> fits.
    /// </summary>
    [Alias("GetPurchaseSummaries"), ReadOnly]
    Task<PurchaseSummaryPage> GetPurchaseSummariesAsync(string afterCustomerId, int limit);

    /// <summary>
    /// Starts recomputing every row from the stored customer states (as of now), unless a
    /// rebuild is already running; returns its progress either way.
    /// </summary>
    [Alias("StartRebuild")]
    Task<RebuildProgress> StartRebuildAsync();

    /// <summary>The running or last rebuild's progress (null: none since the silo started).</summary>
    [Alias("GetRebuild"), ReadOnly]
    Task<RebuildProgress?> GetRebuildAsync();
}

/// <summary>What top-N ranks customers by.</summary>
public enum RankBy
{
    /// <summary>Predicted lifetime value (customers without a forecast come last).</summary>
    Clv,
    /// <summary>Lifetime spend in the base currency.</summary>
    Spend,
    /// <summary>Points balance.</summary>
    Points,
}

/// <summary>Bounds of the fleet queries.</summary>
public static class ProjectionLimits
{
    /// <summary>The most rows a top-N question returns.</summary>
    public const int MaxTop = 10_000;
}

/// <summary>A group (a tier) and how many customers are in it.</summary>
[GenerateSerializer, Immutable, Alias("engine.GroupCount")]
public sealed record GroupCount([property: Id(0)] string? Group, [property: Id(1)] long Customers);

/// <summary>A segment, its definition as configured, and how many customers are in it.</summary>
[GenerateSerializer, Immutable, Alias("engine.SegmentSize")]
public sealed record SegmentSize([property: Id(0)] string Segment, [property: Id(1)] string Definition, [property: Id(2)] long Customers);

/// <summary>A campaign's audience: every part given must hold (null parts are not filtered on).</summary>
[GenerateSerializer, Immutable, Alias("engine.AudienceFilter")]
public sealed record AudienceFilter(
    [property: Id(0)] string? Tier = null,
    [property: Id(1)] string? Segment = null,
    [property: Id(2)] string? Consent = null);

/// <summary>A page of purchase summaries; <see cref="Next"/> is where the next page starts (null: this was the last).</summary>
[GenerateSerializer, Immutable, Alias("engine.PurchaseSummaryPage")]
public sealed record PurchaseSummaryPage(
    [property: Id(0)] IReadOnlyList<Domain.Value.Model.PurchaseSummary> Summaries,
    [property: Id(1)] string? Next,
    [property: Id(2)] DateTimeOffset ObservedUntil);

/// <summary>A rebuild's progress: rows recomputed of the states found when it started.</summary>
[GenerateSerializer, Immutable, Alias("engine.RebuildProgress")]
public sealed record RebuildProgress(
    [property: Id(0)] DateTimeOffset StartedAt,
    [property: Id(1)] long Total,
    [property: Id(2)] long Done,
    [property: Id(3)] DateTimeOffset? FinishedAt,
    [property: Id(4)] string? Error,
    [property: Id(5)] long Removed = 0)
{
    public bool Running => FinishedAt is null;
}

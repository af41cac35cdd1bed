using Engine.Contracts;
using Engine.Domain.Projection;

namespace Engine.Client.Rendering;

/// <summary>A tier and its customers (null tier: not placed on the ladder yet).</summary>
public sealed record TierRow(string? Tier, long Customers, double Share);

/// <summary>The tier distribution, as <c>tiers</c> prints it.</summary>
public sealed record TierReport(long Customers, IReadOnlyList<TierRow> Tiers)
{
    public static TierReport From(IReadOnlyList<GroupCount> counts)
    {
        var total = counts.Sum(c => c.Customers);
        return new TierReport(total, [.. counts.Select(c => new TierRow(c.Group, c.Customers, total == 0 ? 0 : (double)c.Customers / total))]);
    }
}

/// <summary>One customer as the projection holds it, as <c>customers top</c> and <c>customer find</c> print it (no number, not even its key).</summary>
public sealed record CustomerRow(
    int? Rank,
    string CustomerId,
    string? Tier,
    long PointsBalance,
    decimal LifetimeSpend,
    decimal RollingSpend,
    int Orders,
    DateTimeOffset? LastPurchaseAt,
    DateTimeOffset? LastActivityAt,
    decimal? PredictedLifetimeValue,
    double? ProbabilityAlive,
    int? ModelVersion,
    IReadOnlyList<string> Segments,
    string Consent,
    DateTimeOffset AsOf)
{
    public static CustomerRow From(CustomerSummary row, int? rank = null) => new(
        rank, row.CustomerId, row.Tier, row.PointsBalance, row.LifetimeSpend, row.RollingSpend, row.Orders, row.LastPurchaseAt, row.LastActivityAt,
        row.PredictedLifetimeValue, row.ProbabilityAlive, row.ModelVersion, row.Segments, row.Consent, row.AsOf);
}

/// <summary>The top customers by one measure.</summary>
public sealed record TopReport(string By, int Limit, IReadOnlyList<CustomerRow> Customers);

/// <summary>A campaign audience's size and the filter that made it.</summary>
public sealed record AudienceReport(string? Tier, string? Segment, string? Consent, long Customers);

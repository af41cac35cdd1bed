using Engine.Contracts;
using Engine.Domain.Projection;

namespace Engine.Grains.Projection;

/// <summary>
/// Where the customer projection lives: PostgreSQL with PostgreSQL storage, this process's
/// memory with the embedded default (silo/Storage/Projection). The projection grain and the
/// silo's gauges read it; the grain storage writes it with each customer's state.
/// </summary>
public interface ICustomerProjection
{
    Task<IReadOnlyList<GroupCount>> CountByTierAsync(CancellationToken cancellationToken = default);

    /// <summary>Each of <paramref name="segments"/> → customers in it.</summary>
    Task<IReadOnlyDictionary<string, long>> CountBySegmentAsync(IReadOnlyList<string> segments, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<CustomerSummary>> TopAsync(RankBy by, int limit, CancellationToken cancellationToken = default);

    Task<long> CountAsync(AudienceFilter filter, CancellationToken cancellationToken = default);

    Task<CustomerSummary?> FindAsync(string customerId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<CustomerSummary>> FindByNumberKeyAsync(string numberKey, CancellationToken cancellationToken = default);

    /// <summary>Rows of customers who bought, after <paramref name="afterCustomerId"/> in id order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<CustomerSummary>> BuyersAsync(string afterCustomerId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Recomputes every row from the stored customer states as of now and removes rows whose
    /// customer has no state; reports rows done (of the total found at the start).
    /// </summary>
    Task<RebuildResult> RebuildAsync(Action<long, long> progress, CancellationToken cancellationToken);
}

/// <summary>What a rebuild did: rows recomputed of the states found, and rows removed (no state behind them).</summary>
public sealed record RebuildResult(long Total, long Done, long Removed);

using System.Collections.Concurrent;
using Engine.Contracts;
using Engine.Domain.Projection;
using Engine.Grains.Projection;
using Engine.Silo.Storage.GrainState;

namespace Engine.Silo.Storage.Projection;

/// <summary>
/// The embedded default's projection: a dictionary in this process beside the in-process grain
/// state, queried by scanning it. Memory rather than an embedded database: the state it
/// summarises is in memory and gone at restart, so a durable projection would outlive what it
/// describes; and a development cluster's few thousand customers scan in milliseconds.
/// </summary>
internal sealed class MemoryCustomerProjection(CustomerSummarySource summaries) : ICustomerProjection
{
    private readonly ConcurrentDictionary<string, CustomerSummary> _rows = new(StringComparer.Ordinal);

    /// <summary>Set once the storage exists (they refer to each other): the rebuild's source.</summary>
    public InProcessGrainStorage? Storage { get; set; }

    /// <summary>Keeps the row unless a newer version is already there (as the PostgreSQL upsert does).</summary>
    public void Put(CustomerSummary row, bool replaceSameVersion = false) =>
        _rows.AddOrUpdate(row.CustomerId, row, (_, stored) =>
            stored.Version < row.Version || (replaceSameVersion && stored.Version == row.Version) ? row : stored);

    public Task<IReadOnlyList<GroupCount>> CountByTierAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<GroupCount>>(
            [.. _rows.Values.GroupBy(r => r.Tier).Select(g => new GroupCount(g.Key, g.LongCount())).OrderByDescending(g => g.Customers).ThenBy(g => g.Group, StringComparer.Ordinal)]);

    public Task<IReadOnlyDictionary<string, long>> CountBySegmentAsync(IReadOnlyList<string> segments, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(
            segments.Distinct(StringComparer.Ordinal).ToDictionary(s => s, s => _rows.Values.LongCount(r => r.Segments.Contains(s, StringComparer.Ordinal)), StringComparer.Ordinal));

    public Task<IReadOnlyList<CustomerSummary>> TopAsync(RankBy by, int limit, CancellationToken cancellationToken = default)
    {
        var rows = _rows.Values;
        IOrderedEnumerable<CustomerSummary> ranked = by switch
        {
            RankBy.Clv => rows.Where(r => r.PredictedLifetimeValue is not null).OrderByDescending(r => r.PredictedLifetimeValue),
            RankBy.Spend => rows.OrderByDescending(r => r.LifetimeSpend),
            _ => rows.OrderByDescending(r => r.PointsBalance),
        };
        return Task.FromResult<IReadOnlyList<CustomerSummary>>([.. ranked.ThenBy(r => r.CustomerId, StringComparer.Ordinal).Take(limit)]);
    }

    public Task<long> CountAsync(AudienceFilter filter, CancellationToken cancellationToken = default) =>
        Task.FromResult(_rows.Values.LongCount(r =>
            (filter.Tier is null || r.Tier == filter.Tier)
            && (filter.Segment is null || r.Segments.Contains(filter.Segment, StringComparer.Ordinal))
            && (filter.Consent is null || r.Consent == filter.Consent)));

    public Task<CustomerSummary?> FindAsync(string customerId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_rows.GetValueOrDefault(customerId));

    public Task<IReadOnlyList<CustomerSummary>> FindByNumberKeyAsync(string numberKey, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<CustomerSummary>>([.. _rows.Values.Where(r => r.NumberKey == numberKey).OrderBy(r => r.CustomerId, StringComparer.Ordinal)]);

    public Task<IReadOnlyList<CustomerSummary>> BuyersAsync(string afterCustomerId, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<CustomerSummary>>(
            [.. _rows.Values.Where(r => r.FirstPurchaseAt is not null && string.CompareOrdinal(r.CustomerId, afterCustomerId) > 0)
                .OrderBy(r => r.CustomerId, StringComparer.Ordinal).Take(limit)]);

    public Task<RebuildResult> RebuildAsync(Action<long, long> progress, CancellationToken cancellationToken)
    {
        var states = Storage?.ReadCustomers().ToList() ?? [];
        var done = 0L;
        foreach (var (version, state) in states)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Put(summaries.Of(state, version), replaceSameVersion: true);
            progress(++done, states.Count);
        }

        // Asked row by row now, not from the list read at the start: a customer stored since keeps its row.
        var removed = 0L;
        foreach (var customerId in _rows.Keys.Where(id => Storage?.HasCustomer(id) != true).ToList())
        {
            removed += _rows.TryRemove(customerId, out _) ? 1 : 0;
        }

        return Task.FromResult(new RebuildResult(states.Count, done, removed));
    }
}

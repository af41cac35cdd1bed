using Engine.Contracts;
using Engine.Domain.Projection;
using Engine.Domain.Segments;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;

namespace Engine.Grains.Projection;

/// <summary>
/// The fleet questions' entry point: a thin grain over <see cref="ICustomerProjection"/>.
/// Reentrant, so a slow query does not hold up the others; rebuilds run in the silo's
/// <see cref="ProjectionRebuilds"/>, which outlives a call and this activation.
/// </summary>
[Reentrant]
public sealed class CustomerProjectionGrain(
    ICustomerProjection projection,
    ProjectionRebuilds rebuilds,
    SegmentRules segments,
    NumberKeys numberKeys,
    [FromKeyedServices(EngineTime.Key)] TimeProvider time) : Grain, ICustomerProjectionGrain
{
    public Task<IReadOnlyList<GroupCount>> GetTiersAsync() => projection.CountByTierAsync();

    public async Task<IReadOnlyList<SegmentSize>> GetSegmentsAsync()
    {
        var sizes = await projection.CountBySegmentAsync([.. segments.All.Select(rule => rule.Name)]);
        return [.. segments.All.Select(rule => new SegmentSize(rule.Name, rule.Text, sizes.GetValueOrDefault(rule.Name)))];
    }

    public Task<IReadOnlyList<CustomerSummary>> GetTopAsync(RankBy by, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, ProjectionLimits.MaxTop);
        return projection.TopAsync(by, limit);
    }

    public Task<long> CountAudienceAsync(AudienceFilter filter)
    {
        if (filter.Consent is { } consent && !ConsentValues.All.Contains(consent))
        {
            throw new ArgumentException($"consent '{consent}' is not one of {string.Join(", ", ConsentValues.All)}", nameof(filter));
        }

        // Tiers are kept lower case, as segment rules spell them.
        return projection.CountAsync(filter with { Tier = filter.Tier?.ToLowerInvariant(), Segment = filter.Segment?.ToLowerInvariant() });
    }

    public Task<CustomerSummary?> FindByIdAsync(string customerId) => projection.FindAsync(customerId);

    public Task<IReadOnlyList<CustomerSummary>> FindByPhoneAsync(string phone)
    {
        // Refused rather than hashed as written: a number that does not normalise matches nobody.
        if (!numberKeys.TryNormalise(phone, out var e164))
        {
            throw new ArgumentException("not a phone number (international format, or national with Sms:Numbers:DefaultRegion set)", nameof(phone));
        }

        return projection.FindByNumberKeyAsync(numberKeys.KeyOf(e164));
    }

    public async Task<PurchaseSummaryPage> GetPurchaseSummariesAsync(string afterCustomerId, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, ProjectionLimits.MaxTop);
        var now = time.GetUtcNow();
        var rows = await projection.BuyersAsync(afterCustomerId, limit);
        var summaries = rows.Select(row => CustomerSummaries.PurchaseSummaryAt(row, now)).OfType<Domain.Value.Model.PurchaseSummary>().ToList();
        return new PurchaseSummaryPage(summaries, rows.Count < limit ? null : rows[^1].CustomerId, now);
    }

    public Task<RebuildProgress> StartRebuildAsync() => Task.FromResult(rebuilds.Start());

    public Task<RebuildProgress?> GetRebuildAsync() => Task.FromResult(rebuilds.Current);
}

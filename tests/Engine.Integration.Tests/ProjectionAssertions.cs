using Engine.Contracts;
using Engine.Domain.Projection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Engine.Integration.Tests;

/// <summary>Compares the PostgreSQL projection with the customers' stored states and live views, naming the first difference.</summary>
public static class ProjectionAssertions
{
    public static async Task MatchesStatesAsync(string connectionString, int gatewayPort, IReadOnlyCollection<string> customerIds)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        // One snapshot of both tables: a row and its state are written by one statement, so their versions agree.
        var rows = new Dictionary<string, (int? RowVersion, int? StateVersion, string? NumberKey)>(StringComparer.Ordinal);
        await using (var versions = new NpgsqlCommand(
            "SELECT coalesce(s.customer_id, g.grain_key), s.version, g.version, s.number_key FROM engine_customer_summary AS s FULL JOIN "
            + "(SELECT grain_key, version FROM engine_grain_state WHERE grain_type = 'customer' AND state_name = 'customer' AND payload IS NOT NULL) AS g "
            + "ON g.grain_key = s.customer_id", connection))
        await using (var reader = await versions.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows[reader.GetString(0)] = (
                    reader.IsDBNull(1) ? null : reader.GetInt32(1),
                    reader.IsDBNull(2) ? null : reader.GetInt32(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3));
            }
        }

        foreach (var (customerId, (rowVersion, stateVersion, numberKey)) in rows)
        {
            Assert.True(rowVersion is not null && rowVersion == stateVersion, $"{customerId}: projection version {rowVersion}, state version {stateVersion}");
            Assert.True(numberKey is null || (numberKey.StartsWith('n') && numberKey.Length == 65), $"{customerId}: number key '{numberKey}' is not an HMAC key");
        }

        Assert.Equal(customerIds.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));

        using var client = await DurableStream.ConnectAsync(gatewayPort);
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var projection = grains.GetGrain<ICustomerProjectionGrain>(ICustomerProjectionGrain.Key);
        foreach (var customerId in customerIds)
        {
            var view = await grains.GetGrain<ICustomerGrain>(customerId).GetViewAsync();
            var row = await projection.FindByIdAsync(customerId);
            Assert.True(row is not null, $"{customerId}: no projection row");
            var state = view.State;
            Assert.Equal((customerId, state.Loyalty.Tier?.ToLowerInvariant()), (customerId, row.Tier));
            Assert.Equal((customerId, state.Loyalty.Balance), (customerId, row.PointsBalance));
            Assert.Equal((customerId, state.Value.LifetimeSpend), (customerId, row.LifetimeSpend));
            Assert.Equal((customerId, state.Value.Orders), (customerId, row.Orders));
            Assert.Equal((customerId, state.Value.Frequency), (customerId, row.Frequency));
            Assert.Equal((customerId, state.Value.FirstPurchaseAt), (customerId, row.FirstPurchaseAt));
            Assert.Equal((customerId, state.Value.LastPurchaseAt), (customerId, row.LastPurchaseAt));
            Assert.Equal((customerId, CustomerSummaries.ConsentOf(state)), (customerId, row.Consent));
            Assert.Equal((customerId, state.Profile.Phone is not null), (customerId, row.NumberKey is not null));
        }

        await client.StopAsync();
    }

    /// <summary>
    /// Paged as <c>model fit --from postgres</c> pages them (small pages here, so paging is
    /// exercised), the purchase summaries are every buying customer's own, observed until now.
    /// Returns how many customers bought.
    /// </summary>
    public static async Task<int> PurchaseSummariesMatchAsync(int gatewayPort, IReadOnlyCollection<string> customerIds)
    {
        using var client = await DurableStream.ConnectAsync(gatewayPort);
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var projection = grains.GetGrain<ICustomerProjectionGrain>(ICustomerProjectionGrain.Key);
        var paged = new List<Domain.Value.Model.PurchaseSummary>();
        var observedUntil = DateTimeOffset.MinValue;
        string? next = "";
        while (next is not null)
        {
            var page = await projection.GetPurchaseSummariesAsync(next, 37);
            paged.AddRange(page.Summaries);
            observedUntil = page.ObservedUntil;
            next = page.Next;
        }

        var expected = new List<Domain.Value.Model.PurchaseSummary>();
        foreach (var customerId in customerIds)
        {
            if ((await grains.GetGrain<ICustomerGrain>(customerId).GetViewAsync()).State.Value.SummaryAt(observedUntil) is { } summary)
            {
                expected.Add(summary);
            }
        }

        await client.StopAsync();
        Assert.Equal(expected.OrderBy(s => (s.Frequency, s.Recency, s.Age, s.MeanRepeatValue)), paged.OrderBy(s => (s.Frequency, s.Recency, s.Age, s.MeanRepeatValue)));
        return expected.Count;
    }
}

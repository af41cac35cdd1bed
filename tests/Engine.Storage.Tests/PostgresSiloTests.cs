using System.Collections.Concurrent;
using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Xunit.Abstractions;

namespace Engine.Storage.Tests;

/// <summary>
/// Real silos on a real database: the project's query texts are what the Orleans AdoNet
/// providers execute, so these tests are what proves them right.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Integration")]
public sealed class PostgresSiloTests(PostgresFixture server, ITestOutputHelper output)
{
    private const string PurchaseStream = "engagement.purchases/0";

    [Fact]
    public async Task A_customer_written_by_one_silo_is_read_back_by_the_next_one()
    {
        var database = await server.CreateDatabaseAsync();
        var clusterId = "restart-" + Guid.NewGuid().ToString("N")[..8];
        var customerId = "c-" + Guid.NewGuid().ToString("N")[..8];
        var purchase = new PurchaseEvent
        {
            EventId = "evt-" + Guid.NewGuid().ToString("N"),
            CustomerId = customerId,
            OccurredAt = DateTimeOffset.UtcNow.AddDays(-1),
            OrderId = "ord-1",
            Amount = 42.50m,
            Currency = "USD",
            Items = [],
        };

        using (var first = EngineHosts.Build(database, output, applySchema: true, clusterId))
        {
            await first.StartAsync();
            var customer = first.Services.GetRequiredService<IGrainFactory>().GetGrain<ICustomerGrain>(customerId);
            var report = await customer.ApplyAsync(new EventBatch([new SequencedEvent(purchase, new EventPosition(PurchaseStream, 7))]));
            Assert.Equal(1, report.Applied);
            var flushed = await customer.FlushAsync();
            Assert.Equal(7, flushed.DurableWatermarks[PurchaseStream]);
            await first.StopAsync();
        }

        await using (var connection = await database.OpenAsync())
        {
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM engine_grain_state WHERE grain_key = @id", ("id", customerId)));
        }

        // The second silo only checks the schema: the first one applied it.
        using var second = EngineHosts.Build(database, output, applySchema: false, clusterId);
        await second.StartAsync();
        try
        {
            var view = await second.Services.GetRequiredService<IGrainFactory>().GetGrain<ICustomerGrain>(customerId).GetViewAsync();
            Assert.Equal(42.50m, view.State.Value.LifetimeSpend);
            Assert.Equal(1, view.State.Value.Orders);
            Assert.Equal(7, view.State.Progress.WatermarkOf(PurchaseStream));
            Assert.False(view.HasUnsavedChanges);

            // Stored in Orleans' binary format, not JSON with type names.
            await using (var check = await database.OpenAsync())
            {
                var payload = (byte[])(await ScalarAsync(check, "SELECT payload FROM engine_grain_state WHERE grain_type = 'customer'"))!;
                var serializer = new OrleansGrainStorageSerializer(second.Services.GetRequiredService<Serializer>());
                Assert.Equal(42.50m, serializer.Deserialize<CustomerState>(new BinaryData(payload))!.Value.LifetimeSpend);
            }

            // Membership: the first silo left as Dead (6), the second is Active (3) and is
            // the gateway a client would be given.
            await using var connection = await database.OpenAsync();
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @c AND status = 6", ("c", clusterId)));
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @c AND status = 3", ("c", clusterId)));
            var gatewaysQuery = (string)(await ScalarAsync(connection, "SELECT querytext FROM orleansquery WHERE querykey = 'GatewaysQueryKey'"))!;
            await using var gateways = new NpgsqlCommand(gatewaysQuery, connection);
            gateways.Parameters.AddWithValue("DeploymentId", clusterId);
            gateways.Parameters.AddWithValue("Status", 3);
            await using var reader = await gateways.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal("127.0.0.1", reader.GetString(reader.GetOrdinal("Address")));
            Assert.False(await reader.ReadAsync());
            await reader.DisposeAsync();

            // The membership queries the running silo has not needed yet: heartbeat, and the
            // clean-up of dead silos (which matches the values it read back, timestamps included).
            var membership = second.Services.GetRequiredService<IMembershipTable>();
            var before = await membership.ReadAllAsync();
            var active = before.Members.Single(m => m.Item1.Status == SiloStatus.Active).Item1;
            active.IAmAliveTime = DateTime.UtcNow.AddSeconds(5);
            await membership.UpdateIAmAliveAsync(active);
            var heartbeat = (await membership.ReadRowAsync(active.SiloAddress)).Members.Single().Item1;
            Assert.Equal(active.IAmAliveTime, heartbeat.IAmAliveTime, TimeSpan.FromMilliseconds(1));
            Assert.Equal(before.Version.Version, (await membership.ReadAllAsync()).Version.Version);

            await membership.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1));
            var after = await membership.ReadAllAsync();
            Assert.DoesNotContain(after.Members, m => m.Item1.Status == SiloStatus.Dead);
            Assert.Contains(after.Members, m => m.Item1.SiloAddress.Equals(active.SiloAddress));
        }
        finally
        {
            await second.StopAsync();
        }

        var table = second.Services.GetRequiredService<IMembershipTable>();
        await table.DeleteMembershipTableEntriesAsync(clusterId);
        await using (var connection = await database.OpenAsync())
        {
            Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @c", ("c", clusterId)));
            Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM orleansmembershipversiontable WHERE deploymentid = @c", ("c", clusterId)));
        }
    }

    [Fact]
    public async Task The_connection_string_password_never_reaches_the_logs()
    {
        const string Password = "never-log-this-9f2c";
        var database = await server.CreateDatabaseAsync();
        var logs = new ConcurrentQueue<string>();
        // The test server trusts every local connection, so any password is accepted.
        var withPassword = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Password = Password }.ConnectionString;
        using var host = EngineHosts.Build(database, output, applySchema: true, "logs-" + Guid.NewGuid().ToString("N")[..8], connectionString: withPassword, capture: logs);

        await host.StartAsync();
        var customer = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ICustomerGrain>("c-logs");
        await customer.ApplyAsync(new EventBatch([]));
        await host.StopAsync();

        Assert.NotEmpty(logs);
        Assert.Contains(logs, line => line.Contains("PostgreSQL schema at 127.0.0.1", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, line => line.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Writers_holding_a_stale_version_get_an_InconsistentStateException()
    {
        var database = await server.CreateDatabaseAsync();
        using var host = EngineHosts.Build(database, output, applySchema: true, "versions-" + Guid.NewGuid().ToString("N")[..8]);
        await host.StartAsync();
        try
        {
            var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Customers);
            var grainId = GrainId.Create("customer", "race-" + Guid.NewGuid().ToString("N")[..8]);

            // First writes racing: every writer saw no row; exactly one may insert it.
            var racers = Enumerable.Range(0, 8).Select(i => new GrainState<CustomerState>(new CustomerState { EventsApplied = i })).ToList();
            var outcomes = await Task.WhenAll(racers.Select(async state =>
            {
                try
                {
                    await storage.WriteStateAsync("customer", grainId, state);
                    return true;
                }
                catch (InconsistentStateException)
                {
                    return false;
                }
            }));
            Assert.Equal(1, outcomes.Count(won => won));
            var winner = racers[Array.IndexOf(outcomes, true)];
            Assert.Equal("1", winner.ETag);

            // Two activations that both read version 1: the second write is refused.
            var a = new GrainState<CustomerState>();
            var b = new GrainState<CustomerState>();
            await storage.ReadStateAsync("customer", grainId, a);
            await storage.ReadStateAsync("customer", grainId, b);
            Assert.Equal("1", a.ETag);
            Assert.Equal(winner.State!.EventsApplied, a.State!.EventsApplied);
            a.State.EventsApplied = 100;
            await storage.WriteStateAsync("customer", grainId, a);
            Assert.Equal("2", a.ETag);
            b.State!.EventsApplied = 200;
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("customer", grainId, b));
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("customer", grainId, b));

            var stored = new GrainState<CustomerState>();
            await storage.ReadStateAsync("customer", grainId, stored);
            Assert.Equal(100, stored.State!.EventsApplied);
            Assert.Equal("2", stored.ETag);
            Assert.True(stored.RecordExists);

            // Clearing with the current version works and bumps it; the row stays, one of it.
            await storage.ClearStateAsync("customer", grainId, stored);
            Assert.Equal("3", stored.ETag);
            await using var connection = await database.OpenAsync();
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM engine_grain_state"));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Writes_that_arrive_together_share_transactions_and_a_stale_one_fails_alone()
    {
        var database = await server.CreateDatabaseAsync();
        using var host = EngineHosts.Build(database, output, applySchema: true, "batches-" + Guid.NewGuid().ToString("N")[..8]);
        await host.StartAsync();
        try
        {
            var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Customers);
            var statistics = host.Services.GetRequiredService<Engine.Silo.Storage.GrainState.GrainStateStatistics>();
            var run = Guid.NewGuid().ToString("N")[..8];
            var customers = Enumerable.Range(0, 400).Select(i => (Id: GrainId.Create("customer", $"batch-{run}-{i}"), State: new GrainState<CustomerState>(new CustomerState { EventsApplied = i }))).ToList();
            await Task.WhenAll(customers.Select(c => storage.WriteStateAsync("customer", c.Id, c.State)));
            var transactionsBefore = statistics.Transactions;

            // A second round, all at once, with one writer holding a version another activation has replaced.
            var stale = new GrainState<CustomerState>();
            await storage.ReadStateAsync("customer", customers[7].Id, stale);
            await storage.WriteStateAsync("customer", customers[7].Id, customers[7].State);
            var writes = customers.Select(c => storage.WriteStateAsync("customer", c.Id, c.State)).ToList();
            var staleWrite = storage.WriteStateAsync("customer", customers[7].Id, stale);

            await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
            await Task.WhenAll(writes);
            // Customer 7 was written once more before the round.
            Assert.All(customers, c => Assert.Equal(c.Id == customers[7].Id ? "3" : "2", c.State.ETag));
            // 401 writes in far fewer commits than writes: the group commit at work.
            var transactions = statistics.Transactions - transactionsBefore - 1;
            output.WriteLine($"401 concurrent writes took {transactions} transactions");
            Assert.InRange(transactions, 1, 40);

            var check = new GrainState<CustomerState>();
            await storage.ReadStateAsync("customer", customers[399].Id, check);
            Assert.Equal(399, check.State!.EventsApplied);
            Assert.Equal("2", check.ETag);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Reminder_rows_are_stored_read_by_grain_and_by_ring_range_and_deleted_by_version()
    {
        var database = await server.CreateDatabaseAsync();
        using var host = EngineHosts.Build(database, output, applySchema: true, "reminders-" + Guid.NewGuid().ToString("N")[..8], clustering: "localhost");
        await host.StartAsync();
        try
        {
            var table = host.Services.GetRequiredService<IReminderTable>();
            var grainId = GrainId.Create("customer", "remind-" + Guid.NewGuid().ToString("N")[..8]);
            var startAt = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);
            var etag = await table.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "cart", StartAt = startAt, Period = TimeSpan.FromMinutes(5) });
            // Longer than int.MaxValue milliseconds: Orleans then binds the period as a long.
            await table.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "winback", StartAt = startAt, Period = TimeSpan.FromDays(30) });

            var cart = await table.ReadRow(grainId, "cart") ?? throw new Xunit.Sdk.XunitException("reminder 'cart' not found");
            Assert.Equal(grainId, cart.GrainId);
            Assert.Equal(startAt, cart.StartAt.ToUniversalTime());
            Assert.Equal(TimeSpan.FromMinutes(5), cart.Period);
            Assert.Equal(etag, cart.ETag);
            Assert.Equal(TimeSpan.FromDays(30), (await table.ReadRow(grainId, "winback"))?.Period);
            Assert.Equal(2, (await table.ReadRows(grainId)).Reminders.Count);

            var hash = grainId.GetUniformHashCode();
            Assert.Equal(2, (await table.ReadRows(hash - 1, hash)).Reminders.Count(r => r.GrainId == grainId));
            Assert.DoesNotContain((await table.ReadRows(hash, hash - 1)).Reminders, r => r.GrainId == grainId);
            Assert.Equal(2, (await table.ReadRows(hash, hash)).Reminders.Count(r => r.GrainId == grainId));

            var moved = await table.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "cart", StartAt = startAt.AddHours(1), Period = TimeSpan.FromMinutes(10) });
            Assert.NotEqual(etag, moved);
            Assert.False(await table.RemoveRow(grainId, "cart", etag!));
            Assert.True(await table.RemoveRow(grainId, "cart", moved!));
            Assert.Null(await table.ReadRow(grainId, "cart"));
            Assert.Single((await table.ReadRows(grainId)).Reminders);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync();
    }
}

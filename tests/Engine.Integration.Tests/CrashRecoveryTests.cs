using System.Globalization;
using Engine.Contracts;
using Engine.Integration.Tests.Processes;
using Engine.Silo.Kafka;
using Engine.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Engine.Integration.Tests;

/// <summary>
/// Crashes and outages as an operator would see them: the silo process on PostgreSQL, a
/// known stream in a broker that outlives it, and at the end every customer equal to the
/// oracle: no event lost, none applied twice.
/// </summary>
[Trait("Category", "EndToEnd")]
[Trait("Load", "Heavy")]
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task Killing_the_silo_at_random_points_loses_no_event_and_applies_none_twice()
    {
        await using var setting = await Setting.StartAsync();
        var stream = setting.Stream;
        stream.Produce(customers: 4000, events: 100_000, seed: 31, prefix: "crash-");

        var random = new Random(Environment.GetEnvironmentVariable("ENGINE_CRASH_SEED") is { } seed ? int.Parse(seed, CultureInfo.InvariantCulture) : 2026);
        using var http = new HttpClient();
        for (var crash = 1; crash <= 5; crash++)
        {
            await using var victim = await SiloProcess.StartAsync(stream.SiloSettings);
            var target = random.Next(3_000, 15_000);
            await Eventually.Until(() => DurableStream.AppliedAsync(http, victim), applied => applied >= target, TimeSpan.FromMinutes(2), $"crash {crash}: {target} events applied");
            await victim.KillAsync();
        }

        await using var survivor = await SiloProcess.StartAsync(stream.SiloSettings);
        await stream.WaitUntilCommittedAsync(TimeSpan.FromMinutes(5));
        await AssertMatchesOracleAsync(stream, survivor);

        // Every tier change decided was published once, whatever the crashes interrupted.
        var expectedChanges = CustomerOracle.Compute(stream.Events.Select(e => e.Json)).Values.Sum(c => c.TierChanges);
        Assert.True(expectedChanges > 100, $"the stream should upgrade many customers, not {expectedChanges}");
        var records = TierChangeTopic.Read(setting.Broker.BootstrapServers, stream.Topics.TierChanges, r => r.CustomerId.StartsWith("crash-", StringComparison.Ordinal), expectedChanges);
        Assert.Equal(expectedChanges, records.Count);
        Assert.Equal(expectedChanges, records.Select(r => r.EffectId).Distinct().Count());
    }

    [Fact]
    public async Task A_database_outage_pauses_ingestion_and_loses_nothing()
    {
        await using var setting = await Setting.StartAsync();
        var stream = setting.Stream;
        stream.Produce(customers: 1000, events: 40_000, seed: 41, prefix: "outage-");

        using var http = new HttpClient();
        await using var silo = await SiloProcess.StartAsync(stream.SiloSettings);
        await Eventually.Until(() => DurableStream.AppliedAsync(http, silo), applied => applied >= 5_000, TimeSpan.FromMinutes(2), "5000 events applied");

        await setting.Postgres.StopAsync();
        var outageStarted = DateTime.UtcNow;
        await Eventually.Until(() => ReadyAsync(http, silo), ready => !ready, TimeSpan.FromMinutes(1), "readiness to turn false while PostgreSQL is down");
        await Eventually.Until(() => Task.FromResult(DateTime.UtcNow - outageStarted >= TimeSpan.FromSeconds(20)), done => done, TimeSpan.FromMinutes(1), "a 20 s outage");
        Assert.False(await ReadyAsync(http, silo));
        await setting.Postgres.StartAsync();

        await Eventually.Until(() => ReadyAsync(http, silo), ready => ready, TimeSpan.FromMinutes(1), "readiness to turn true once PostgreSQL is back");
        await stream.WaitUntilCommittedAsync(TimeSpan.FromMinutes(3));
        await AssertMatchesOracleAsync(stream, silo);
    }

    [Fact]
    public async Task The_projection_equals_every_customers_state_after_crashes_and_after_a_rebuild()
    {
        await using var setting = await Setting.StartAsync();
        var stream = setting.Stream;
        stream.Produce(customers: 400, events: 16_000, seed: 53, prefix: "proj-");

        var random = new Random(53);
        using var http = new HttpClient();
        for (var crash = 1; crash <= 2; crash++)
        {
            await using var victim = await SiloProcess.StartAsync(stream.SiloSettings);
            var target = random.Next(2_000, 8_000);
            await Eventually.Until(() => DurableStream.AppliedAsync(http, victim), applied => applied >= target, TimeSpan.FromMinutes(2), $"crash {crash}: {target} events applied");
            await victim.KillAsync();
        }

        await using var survivor = await SiloProcess.StartAsync(stream.SiloSettings);
        await stream.WaitUntilCommittedAsync(TimeSpan.FromMinutes(5));
        var customers = CustomerOracle.Compute(stream.Events.Select(e => e.Json)).Keys.ToList();
        await ProjectionAssertions.MatchesStatesAsync(setting.Database.ConnectionString, survivor.GatewayPort, customers);

        // Damaged rows are recomputed, a lost one comes back and one without a state goes.
        await using (var connection = await setting.Database.OpenAsync())
        {
            await using var damage = new Npgsql.NpgsqlCommand(
                "UPDATE engine_customer_summary SET lifetime_spend = -1, tier = 'wrong', segments = '{}'; "
                + "DELETE FROM engine_customer_summary WHERE customer_id LIKE '%1'; "
                + "INSERT INTO engine_customer_summary SELECT service_id, 'ghost', version, as_of, tier, points_balance, lifetime_spend, rolling_spend, orders, "
                + "first_purchase_at, last_purchase_at, last_activity_at, frequency, mean_repeat_value, engagement_score, clv, p_alive, model_version, segments, consent, number_key "
                + "FROM engine_customer_summary LIMIT 1", connection);
            await damage.ExecuteNonQueryAsync();
        }

        var rebuild = await ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, "projection", "rebuild", "--json", "--gateway-port", survivor.GatewayPort.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromMinutes(3));
        Assert.True(rebuild.ExitCode == 0, $"projection rebuild failed ({rebuild.ExitCode}): {rebuild.Error}");
        using var report = System.Text.Json.JsonDocument.Parse(rebuild.Output);
        Assert.Equal(customers.Count, report.RootElement.GetProperty("done").GetInt64());
        Assert.Equal(1, report.RootElement.GetProperty("removed").GetInt64());
        await ProjectionAssertions.MatchesStatesAsync(setting.Database.ConnectionString, survivor.GatewayPort, customers);

        // The value model's fit reads every buyer's summary from the projection.
        var buyers = await ProjectionAssertions.PurchaseSummariesMatchAsync(survivor.GatewayPort, customers);
        Assert.True(buyers > 100, $"the stream should have many buyers, not {buyers}");
        var fit = await ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, "model", "fit", "--from", "postgres", "--dry-run", "--json", "--gateway-port", survivor.GatewayPort.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromMinutes(3));
        Assert.True(fit.ExitCode is 0 or 1, $"model fit --from postgres failed ({fit.ExitCode}): {fit.Error}");
        using var fitted = System.Text.Json.JsonDocument.Parse(fit.Output);
        Assert.Equal(buyers, fitted.RootElement.GetProperty("customers").GetInt32());
        Assert.Equal("customer projection", fitted.RootElement.GetProperty("model").GetProperty("source").GetString());
        Assert.False(fitted.RootElement.GetProperty("published").GetBoolean());
    }

    private static async Task<bool> ReadyAsync(HttpClient http, SiloProcess silo) =>
        (await http.GetAsync(silo.BaseUrl + "/health/ready")).IsSuccessStatusCode;

    private static async Task AssertMatchesOracleAsync(DurableStream stream, SiloProcess silo)
    {
        using var client = await DurableStream.ConnectAsync(silo.GatewayPort);
        var grains = client.Services.GetRequiredService<IClusterClient>();
        foreach (var (customerId, customer) in CustomerOracle.Compute(stream.Events.Select(e => e.Json)))
        {
            StateAssertions.Matches(customerId, customer, await grains.GetGrain<ICustomerGrain>(customerId).GetViewAsync());
        }

        await client.StopAsync();
    }

    /// <summary>A throwaway PostgreSQL and a broker in the test process, so both outlive the silo.</summary>
    private sealed class Setting : IAsyncDisposable
    {
        private Setting(PostgresServer postgres, TestDatabase database, EmbeddedKafkaBroker broker, DurableStream stream)
        {
            Postgres = postgres;
            Database = database;
            Broker = broker;
            Stream = stream;
        }

        public PostgresServer Postgres { get; }
        public TestDatabase Database { get; }
        public EmbeddedKafkaBroker Broker { get; }
        public DurableStream Stream { get; }

        public static async Task<Setting> StartAsync()
        {
            var postgres = await PostgresServer.StartForTestsAsync();
            var database = await postgres.CreateDatabaseAsync();
            var broker = EmbeddedKafkaBroker.Start();
            return new Setting(postgres, database, broker, new DurableStream(broker, partitions: 32, database.ConnectionString));
        }

        public async ValueTask DisposeAsync()
        {
            Broker.Dispose();
            await Postgres.DisposeAsync();
        }
    }
}

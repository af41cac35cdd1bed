using System.Diagnostics;
using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Segments;
using Engine.Domain.Value.Model;
using Engine.Grains;
using Engine.Grains.Projection;
using Engine.Silo.Storage;
using Engine.Silo.Storage.Projection;
using Engine.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Serialization;
using Orleans.Storage;

namespace Engine.Benchmarks;

/// <summary>
/// The benchmark row "fleet questions at 1,000,000 customers": a throwaway PostgreSQL (the tests'
/// recipe) with the engine's schema and a million synthetic projection rows, then each fleet
/// query as the silo runs it (<see cref="PostgresCustomerProjection"/>): segment sizes, top 100 by
/// predicted value, tier distribution, audience counts, find by id. Each query runs once to warm
/// the cache and then five times; the table gives the median and the slowest, and EXPLAIN
/// (ANALYZE) of each. Target: under a second each. Runs alone:
/// <c>dotnet run -c Release --project tests/Engine.Benchmarks -- projection [customers]</c>.
/// </summary>
public static class ProjectionQueriesRow
{
    public const string Command = "projection";

    private static readonly TimeSpan Target = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(string[] args)
    {
        var customers = args is [var count, ..] ? int.Parse(count, System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        await using var server = await PostgresServer.StartThrowawayAsync(new PostgresServerOptions
        {
            Durable = false,
            Settings = new Dictionary<string, string>(StringComparer.Ordinal) { ["shared_buffers"] = "1GB", ["max_wal_size"] = "4GB" },
            DirectoryPrefix = "engine-bench-projection-",
        });
        var database = await server.CreateDatabaseAsync("engine_projection");
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await SchemaApplier.ApplyAsync(connection, CancellationToken.None);
        }

        var loading = Stopwatch.StartNew();
        await ExecuteAsync(dataSource, Fill(customers));
        await ExecuteAsync(dataSource, "VACUUM ANALYZE engine_customer_summary");
        Console.WriteLine($"{customers:N0} synthetic projection rows loaded in {loading.Elapsed.TotalSeconds:F0} s (PostgreSQL {server.Version}, shared_buffers=1GB)");

        var projection = new PostgresCustomerProjection(dataSource, Serializer(), Summaries(), ServiceId);
        var questions = new (string Name, Func<Task> Run, string Sql)[]
        {
            ("segment sizes", () => projection.CountBySegmentAsync(Segments), $"SELECT s, sum(n)::bigint FROM (SELECT segments, count(*) AS n FROM engine_customer_summary WHERE service_id = '{ServiceId}' GROUP BY segments) AS lists CROSS JOIN LATERAL unnest(lists.segments) AS s WHERE s = ANY(ARRAY['{string.Join("', '", Segments)}']) GROUP BY s"),
            ("top 100 by clv", () => projection.TopAsync(RankBy.Clv, 100), $"SELECT * FROM engine_customer_summary WHERE service_id = '{ServiceId}' AND clv IS NOT NULL ORDER BY clv DESC NULLS LAST, customer_id LIMIT 100"),
            ("tier distribution", () => projection.CountByTierAsync(), $"SELECT tier, count(*) FROM engine_customer_summary WHERE service_id = '{ServiceId}' GROUP BY tier ORDER BY count(*) DESC, tier"),
            ("audience: gold, opted in", () => projection.CountAsync(new AudienceFilter(Tier: "gold", Consent: "opted_in")), $"SELECT count(*) FROM engine_customer_summary WHERE service_id = '{ServiceId}' AND tier = 'gold' AND consent = 'opted_in'"),
            ("audience: at-risk segment", () => projection.CountAsync(new AudienceFilter(Segment: "at-risk")), $"SELECT count(*) FROM engine_customer_summary WHERE service_id = '{ServiceId}' AND segments @> ARRAY['at-risk']"),
            ("find by id", () => projection.FindAsync("bench-0000500000"), $"SELECT * FROM engine_customer_summary WHERE service_id = '{ServiceId}' AND customer_id = 'bench-0000500000'"),
        };

        var failed = false;
        Console.WriteLine();
        Console.WriteLine($"| question | median | slowest of 5 | target |");
        Console.WriteLine($"|---|---|---|---|");
        var plans = new List<(string, string)>();
        foreach (var (name, run, sql) in questions)
        {
            await run();
            var times = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var watch = Stopwatch.StartNew();
                await run();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            failed |= times[^1] >= Target.TotalMilliseconds;
            Console.WriteLine($"| {name} | {times[2]:F1} ms | {times[^1]:F1} ms | {(times[^1] < Target.TotalMilliseconds ? "met" : "MISSED")} |");
            plans.Add((name, await ExplainAsync(dataSource, sql)));
        }

        foreach (var (name, plan) in plans)
        {
            Console.WriteLine();
            Console.WriteLine($"EXPLAIN (ANALYZE, BUFFERS) {name}:");
            Console.WriteLine(plan);
        }

        return failed ? 1 : 0;
    }

    private const string ServiceId = "engagement-engine";

    private static readonly string[] Segments = [.. SegmentOptions.Defaults.Keys.Order(StringComparer.Ordinal)];

    // Deterministic (setseed) and shaped like a shop's population: most customers bronze, a few
    // platinum; predicted value long-tailed; segments from the default rules' share of customers.
    private static string Fill(int customers) => $"""
        SELECT setseed(0.42);
        INSERT INTO engine_customer_summary
        SELECT '{ServiceId}', 'bench-' || lpad(i::text, 10, '0'), 1 + (i % 40), now() - (random() * interval '30 days'),
               CASE WHEN r < 0.03 THEN 'platinum' WHEN r < 0.15 THEN 'gold' WHEN r < 0.40 THEN 'silver' WHEN r < 0.95 THEN 'bronze' END,
               (random() * 5000)::bigint, round((exp(random() * 8))::numeric, 2), round((exp(random() * 7))::numeric, 2), 1 + (random() * 30)::int,
               now() - (random() * interval '1000 days'), now() - (random() * interval '200 days'), now() - (random() * interval '100 days'),
               (random() * 20)::int, random() * 200, random() * 100,
               CASE WHEN random() < 0.9 THEN round((exp(random() * 9))::numeric, 2) END, random(), 3,
               array_remove(ARRAY[
                   CASE WHEN random() < 0.20 THEN 'high-value' END, CASE WHEN random() < 0.10 THEN 'rising' END,
                   CASE WHEN random() < 0.15 THEN 'at-risk' END, CASE WHEN random() < 0.08 THEN 'frequent' END,
                   CASE WHEN random() < 0.05 THEN 'seasonal' END, CASE WHEN random() < 0.30 THEN 'low-engagement' END,
                   CASE WHEN random() < 0.04 THEN 'new' END, CASE WHEN random() < 0.02 THEN 'cart-abandoner' END], NULL),
               CASE WHEN random() < 0.6 THEN 'opted_in' WHEN random() < 0.5 THEN 'opted_out' ELSE 'unknown' END,
               CASE WHEN random() < 0.8 THEN 'n' || md5(i::text) || md5((i * 7)::text) END
        FROM (SELECT i, random() AS r FROM generate_series(1, {customers}) AS i) AS population;
        """;

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ExplainAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add("    " + reader.GetString(0));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static IGrainStorageSerializer Serializer() =>
        new OrleansGrainStorageSerializer(new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>());

    // Only the rebuild computes rows; the queries never do.
    private static CustomerSummarySource Summaries() => new(
        Options.Create(new CustomerRules()), new CurrentValueModel(), Options.Create(new ValueForecastOptions()),
        new NumberKeys(Options.Create(new PhoneNumberOptions())), TimeProvider.System);
}

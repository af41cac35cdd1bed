using Engine.Silo.Storage;
using Engine.Testing;
using Engine.Testing.Postgres;
using Npgsql;
using Xunit.Abstractions;

namespace Engine.Storage.Tests;

[Collection(PostgresCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SchemaTests(PostgresFixture server, ITestOutputHelper output)
{
    [Fact]
    public async Task Applying_the_scripts_a_second_time_changes_nothing()
    {
        var database = await server.CreateDatabaseAsync();
        await using var connection = await database.OpenAsync();

        var first = await SchemaApplier.ApplyAsync(connection, default);
        Assert.Equal(SchemaScripts.All.Select(s => s.Name), first);
        var afterFirst = await FingerprintAsync(connection, includeRowVersions: true);

        var second = await SchemaApplier.ApplyAsync(connection, default);
        Assert.Empty(second);
        Assert.Equal(afterFirst, await FingerprintAsync(connection, includeRowVersions: true));

        // The scripts themselves are idempotent too (what an operator re-running psql gets):
        // not even a row is rewritten, so row versions (xmin) stay the same.
        foreach (var script in SchemaScripts.All)
        {
            await using var command = new NpgsqlCommand(script.Sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        Assert.Equal(afterFirst, await FingerprintAsync(connection, includeRowVersions: true));
        Assert.Equal(SchemaScripts.All.Count, await CountAsync(connection, "SELECT count(*) FROM engine_schema_version"));
        Assert.Empty(await SchemaVerifier.FindMissingAsync(connection, SchemaRequirement.For(new StorageOptions { Clustering = ClusteringProvider.Postgres }), default));
    }

    [Fact]
    public async Task Silos_applying_at_the_same_time_take_turns()
    {
        var database = await server.CreateDatabaseAsync();
        var connections = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => database.OpenAsync()));
        try
        {
            var runs = await Task.WhenAll(connections.Select(c => SchemaApplier.ApplyAsync(c, default)));

            Assert.Single(runs, ran => ran.Count == SchemaScripts.All.Count);
            Assert.Equal(runs.Length - 1, runs.Count(ran => ran.Count == 0));
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task The_documented_psql_command_builds_the_same_schema_and_is_a_no_op_the_second_time()
    {
        var byPsql = await server.CreateDatabaseAsync();
        await RunReadmeCommandAsync(byPsql);
        await using var psqlConnection = await byPsql.OpenAsync();
        var afterFirst = await FingerprintAsync(psqlConnection, includeRowVersions: true);

        await RunReadmeCommandAsync(byPsql);
        Assert.Equal(afterFirst, await FingerprintAsync(psqlConnection, includeRowVersions: true));

        // The silo finds everything recorded and applies nothing.
        Assert.Empty(await SchemaApplier.ApplyAsync(psqlConnection, default));

        var bySilo = await server.CreateDatabaseAsync();
        await using var siloConnection = await bySilo.OpenAsync();
        await SchemaApplier.ApplyAsync(siloConnection, default);
        Assert.Equal(await FingerprintAsync(siloConnection, includeRowVersions: false), await FingerprintAsync(psqlConnection, includeRowVersions: false));
    }

    [Fact]
    public async Task A_silo_without_ApplySchema_on_an_empty_database_fails_to_start_naming_every_missing_object()
    {
        var database = await server.CreateDatabaseAsync();
        using var host = EngineHosts.Build(database, output, applySchema: false, clusterId: "empty-" + Guid.NewGuid().ToString("N")[..8]);

        var failure = await Assert.ThrowsAsync<StorageSchemaException>(() => host.StartAsync());

        output.WriteLine(failure.Message);
        var everything = SchemaRequirement.For(new StorageOptions { Clustering = ClusteringProvider.Postgres });
        foreach (var requirement in everything)
        {
            foreach (var table in requirement.Tables)
            {
                Assert.Contains($"table {table}", failure.Message, StringComparison.Ordinal);
            }

            foreach (var index in requirement.Indexes)
            {
                Assert.Contains($"index {index}", failure.Message, StringComparison.Ordinal);
            }

            foreach (var key in requirement.QueryKeys)
            {
                Assert.Contains($"query key {key}", failure.Message, StringComparison.Ordinal);
            }
        }

        Assert.Contains("Storage:ApplySchema=true", failure.Message, StringComparison.Ordinal);
        Assert.Contains("deploy/sql", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", failure.Message, StringComparison.OrdinalIgnoreCase);
        // Nothing was created behind the operator's back.
        await using var connection = await database.OpenAsync();
        Assert.Equal(0, await CountAsync(connection, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }

    [Fact]
    public async Task A_partly_applied_schema_is_reported_by_what_is_still_missing()
    {
        var database = await server.CreateDatabaseAsync();
        await using (var connection = await database.OpenAsync())
        {
            foreach (var script in SchemaScripts.All.Where(s => s.Name is "0001_orleans_core" or "0005_engine_grain_state"))
            {
                await using var command = new NpgsqlCommand(script.Sql, connection);
                await command.ExecuteNonQueryAsync();
            }
        }

        using var host = EngineHosts.Build(database, output, applySchema: false, clusterId: "partial-" + Guid.NewGuid().ToString("N")[..8]);
        var failure = await Assert.ThrowsAsync<StorageSchemaException>(() => host.StartAsync());

        Assert.Contains("table orleansremindertable", failure.MissingObjects);
        Assert.Contains("table orleansmembershiptable", failure.MissingObjects);
        // Customer writes carry their projection row (0006): a silo without its table would fail every one.
        Assert.Contains("table engine_customer_summary", failure.MissingObjects);
        Assert.Contains("query key UpsertReminderRowKey", failure.MissingObjects);
        Assert.Contains("query key InsertMembershipKey", failure.MissingObjects);
        Assert.DoesNotContain("table orleansquery", failure.MissingObjects);
        Assert.DoesNotContain("table engine_grain_state", failure.MissingObjects);
    }

    /// <summary>
    /// Tables, columns, indexes, constraints, the query texts and the version records. With
    /// row versions it also shows whether any of those rows was rewritten.
    /// </summary>
    private static async Task<string> FingerprintAsync(NpgsqlConnection connection, bool includeRowVersions)
    {
        var rowVersion = includeRowVersions ? "xmin::text" : "''";
        var appliedAt = includeRowVersions ? "applied_at::text" : "''";
        var sql = $"""
            SELECT string_agg(line, E'\n' ORDER BY line) FROM (
                SELECT format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, coalesce(column_default, ''))
                  FROM information_schema.columns WHERE table_schema = 'public'
                UNION ALL
                SELECT format('index %s %s', indexname, indexdef) FROM pg_indexes WHERE schemaname = 'public'
                UNION ALL
                SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid)) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
                UNION ALL
                SELECT format('query %s %s %s', querykey, md5(querytext), {rowVersion}) FROM orleansquery
                UNION ALL
                SELECT format('version %s %s %s', script, {appliedAt}, {rowVersion}) FROM engine_schema_version
            ) AS catalog(line)
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs the operators' command from deploy/sql/README.md, from a directory holding deploy/sql.</summary>
    private async Task RunReadmeCommandAsync(TestDatabase database)
    {
        const string ReadmeCommand = "cat deploy/sql/[0-9]*.sql | psql \"$ENGINE_PG\" -v ON_ERROR_STOP=1 --single-transaction --quiet";
        var environment = new Dictionary<string, string> { ["ENGINE_PG"] = database.Url };
        if (server.BinDirectory is { } bin)
        {
            environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        }

        var run = await ToolRun.RunAsync("bash", ["-c", ReadmeCommand], workingDirectory: AppContext.BaseDirectory, environment: environment);
        output.WriteLine(run.Output);
        output.WriteLine(run.Error);
        Assert.Equal(0, run.ExitCode);
    }
}

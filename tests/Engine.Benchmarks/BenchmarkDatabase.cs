using Engine.Testing.Postgres;
using Npgsql;

namespace Engine.Benchmarks;

/// <summary>
/// Row 4's database: a throwaway PostgreSQL server (the tests' recipe, <see cref="PostgresServer"/>)
/// whose durability is a choice, with fsync on, commits wait for the disk as in production, and
/// what the benchmark reads from it: the writes counted in the tables, the WAL, the statements'
/// costs and the stored state's size. Its CPU time is reported so the benchmark can keep it
/// out of "other load".
/// </summary>
internal sealed class BenchmarkDatabase : IAsyncDisposable
{
    private const string Database = "engine_bench";

    private readonly PostgresServer _server;

    private BenchmarkDatabase(PostgresServer server, string connectionString, string settings, bool tracksStatements)
    {
        _server = server;
        ConnectionString = connectionString;
        Settings = settings;
        TracksStatements = tracksStatements;
    }

    /// <summary>Connection string of the benchmark's database (pooled, Npgsql's defaults unless --pg-options says otherwise).</summary>
    public string ConnectionString { get; }

    /// <summary>The server settings the benchmark chose (everything else is PostgreSQL's default).</summary>
    public string Settings { get; }

    public string Version => _server.Version;

    public bool TracksStatements { get; }

    /// <summary>
    /// Starts a server with commits durable (<paramref name="fsync"/>) or not;
    /// <paramref name="statements"/> loads pg_stat_statements with planning tracked (a
    /// diagnostic: it costs a little on every statement).
    /// </summary>
    public static async Task<BenchmarkDatabase> StartAsync(bool fsync, string? connectionOptions, bool statements)
    {
        // What the benchmark tunes; everything else is PostgreSQL's default.
        var tuning = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["shared_buffers"] = "1GB",
            ["max_wal_size"] = "4GB",
            ["max_connections"] = "300",
        };
        var serverSettings = new Dictionary<string, string>(tuning, StringComparer.Ordinal);
        if (statements)
        {
            serverSettings["shared_preload_libraries"] = "pg_stat_statements";
            serverSettings["pg_stat_statements.track_planning"] = "on";
        }

        var server = await PostgresServer.StartThrowawayAsync(new PostgresServerOptions
        {
            Durable = fsync,
            Settings = serverSettings,
            DirectoryPrefix = "engine-bench-pg-",
        });
        try
        {
            var database = await server.CreateDatabaseAsync(Database);
            var connectionString = database.ConnectionString
                + (string.IsNullOrWhiteSpace(connectionOptions) ? "" : ";" + connectionOptions.Trim(';'));
            if (statements)
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand("CREATE EXTENSION pg_stat_statements", connection);
                await create.ExecuteNonQueryAsync();
            }

            var durability = fsync
                ? "fsync=on, synchronous_commit=on, full_page_writes=on (PostgreSQL's defaults)"
                : "fsync=off, synchronous_commit=off, full_page_writes=off (not durable)";
            var settings = $"{durability}; " + string.Join(", ", tuning.Select(setting => $"{setting.Key}={setting.Value}"))
                + (statements ? "; pg_stat_statements with track_planning" : "");
            return new BenchmarkDatabase(server, connectionString, settings, statements);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>CPU time of the server so far: the postmaster and every backend, live or gone.</summary>
    public TimeSpan Cpu() => _server.Cpu();

    /// <summary>Starts the statement statistics afresh (with pg_stat_statements loaded).</summary>
    public async Task ResetStatementsAsync()
    {
        if (!TracksStatements)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_stat_statements_reset()", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The statements that took the most server time since the reset, with planning apart.</summary>
    public async Task<IReadOnlyList<StatementCost>> ReadStatementsAsync(int top = 8)
    {
        if (!TracksStatements)
        {
            return [];
        }

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        const string sql = """
            SELECT left(regexp_replace(query, '\s+', ' ', 'g'), 70), calls, total_exec_time, total_plan_time, rows, wal_bytes::bigint
              FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
             ORDER BY total_exec_time + total_plan_time DESC
             LIMIT @top
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("top", top);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new List<StatementCost>();
        while (await reader.ReadAsync())
        {
            result.Add(new StatementCost(reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4), reader.GetInt64(5)));
        }

        return result;
    }

    /// <summary>Rows, average stored state size (raw and as stored, after compression) and table size of one grain type.</summary>
    public async Task<string> DescribeStateAsync(string grainType)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        const string sql = """
            SELECT count(*), coalesce(avg(octet_length(payload)), 0)::bigint, coalesce(avg(pg_column_size(payload)), 0)::bigint,
                   pg_total_relation_size('engine_grain_state'), pg_total_relation_size('orleansremindertable'), (SELECT count(*) FROM orleansremindertable)
              FROM engine_grain_state WHERE grain_type = @type
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("type", grainType);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return $"{reader.GetInt64(0):N0} {grainType} rows, state {reader.GetInt64(1):N0} B on average ({reader.GetInt64(2):N0} B stored); "
            + $"engine_grain_state {reader.GetInt64(3) / 1024 / 1024:N0} MiB; {reader.GetInt64(5):N0} reminders, {reader.GetInt64(4) / 1024 / 1024:N0} MiB";
    }

    /// <summary>
    /// Exact write counts read from the tables: every grain state write bumps the row's
    /// version (an insert starts at 1), every reminder upsert inserts at 0 or bumps it, so
    /// the sums count successful writes since the database was created. Also the WAL
    /// position, for bytes written to the log.
    /// </summary>
    public async Task<DatabaseWrites> ReadWritesAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        long wal, walSyncs;
        // wal_sync counts the server's WAL flushes to disk: commits per flush is its group commit.
        await using (var command = new NpgsqlCommand("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint, (SELECT wal_sync FROM pg_stat_wal)", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            wal = reader.GetInt64(0);
            walSyncs = reader.GetInt64(1);
        }

        var byGrainType = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('engine_grain_state') IS NOT NULL AND to_regclass('orleansremindertable') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync())!)
            {
                // Before the silo applied the schema.
                return new DatabaseWrites(byGrainType, 0, wal, walSyncs);
            }
        }

        await using (var command = new NpgsqlCommand("SELECT grain_type, sum(version)::bigint FROM engine_grain_state GROUP BY grain_type", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                byGrainType[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        long reminders;
        await using (var command = new NpgsqlCommand("SELECT (count(*) + coalesce(sum(version), 0))::bigint FROM orleansremindertable", connection))
        {
            reminders = (long)(await command.ExecuteScalarAsync())!;
        }

        return new DatabaseWrites(byGrainType, reminders, wal, walSyncs);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

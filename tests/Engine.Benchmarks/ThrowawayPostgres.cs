using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Engine.Benchmarks;

/// <summary>
/// A PostgreSQL server for one benchmark run: initdb into a temporary directory on the
/// machine's disk, started on a free loopback port, removed at the end. The same recipe as
/// tests/Engine.Storage.Tests/PostgresServer.cs (which is an xunit fixture), but durability
/// is a choice here: with <c>fsync</c> on, commits wait for the disk as in production.
/// It also reports the server's CPU time, so the benchmark can keep it out of "other load".
/// </summary>
internal sealed class ThrowawayPostgres : IAsyncDisposable
{
    private const string BinDirectoryVariable = "ENGINE_TEST_PG_BIN";
    private const string Database = "engine_bench";

    private readonly string _directory;
    private readonly string _binDirectory;
    private readonly bool _runAsPostgresUser;

    private ThrowawayPostgres(string directory, string binDirectory, bool runAsPostgresUser, string settings, string version)
    {
        _directory = directory;
        _binDirectory = binDirectory;
        _runAsPostgresUser = runAsPostgresUser;
        Settings = settings;
        Version = version;
    }

    /// <summary>Connection string of the benchmark's database (pooled, Npgsql's defaults unless --pg-options says otherwise).</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The server settings the benchmark chose (everything else is PostgreSQL's default).</summary>
    public string Settings { get; }

    public string Version { get; }

    public bool TracksStatements { get; private set; }

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
    /// Starts a server with commits durable (<paramref name="fsync"/>) or not;
    /// <paramref name="statements"/> loads pg_stat_statements with planning tracked (a
    /// diagnostic: it costs a little on every statement).
    /// </summary>
    public static async Task<ThrowawayPostgres> StartAsync(bool fsync, string? connectionOptions, bool statements)
    {
        var bin = FindBinDirectory();
        var directory = Directory.CreateTempSubdirectory("engine-bench-pg-").FullName;
        // initdb refuses to run as root; the Debian package provides a postgres user.
        var asPostgres = Environment.UserName == "root";
        if (asPostgres)
        {
            await RunAsync("chown", ["-R", "postgres:", directory]);
        }

        var durability = fsync
            ? "fsync=on, synchronous_commit=on, full_page_writes=on (PostgreSQL's defaults)"
            : "fsync=off, synchronous_commit=off, full_page_writes=off (not durable)";
        var settings = $"{durability}; shared_buffers=1GB, max_wal_size=4GB, max_connections=300" + (statements ? "; pg_stat_statements with track_planning" : "");
        var version = Path.GetFileName(Path.GetDirectoryName(bin)) ?? "?";
        var server = new ThrowawayPostgres(directory, bin, asPostgres, settings, version);
        try
        {
            await server.RunServerProgramAsync("initdb", ["-D", server.DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
            var port = FreePort();
            var onOff = fsync ? "on" : "off";
            var options = $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync={onOff} -c synchronous_commit={onOff} -c full_page_writes={onOff} "
                + "-c shared_buffers=1GB -c max_wal_size=4GB -c max_connections=300"
                + (statements ? " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on" : "");
            await server.RunServerProgramAsync("pg_ctl", ["-D", server.DataDirectory, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "-o", options, "start"]);

            var admin = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection);
                await create.ExecuteNonQueryAsync();
            }

            server.ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database={Database}"
                + (string.IsNullOrWhiteSpace(connectionOptions) ? "" : ";" + connectionOptions.Trim(';'));
            if (statements)
            {
                await using var connection = new NpgsqlConnection(server.ConnectionString);
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand("CREATE EXTENSION pg_stat_statements", connection);
                await create.ExecuteNonQueryAsync();
                server.TracksStatements = true;
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>
    /// CPU time of the server so far: the postmaster, its live children, and the children it
    /// has already reaped (a backend that closed its connection).
    /// </summary>
    public TimeSpan Cpu()
    {
        try
        {
            var postmaster = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
            long ticks = 0;
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), out var pid))
                {
                    continue;
                }

                var fields = ReadStat(pid);
                if (fields is null)
                {
                    continue;
                }

                // After "pid (comm)": [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime.
                if (pid == postmaster)
                {
                    ticks += Field(fields, 11) + Field(fields, 12) + Field(fields, 13) + Field(fields, 14);
                }
                else if (Field(fields, 1) == postmaster)
                {
                    ticks += Field(fields, 11) + Field(fields, 12);
                }
            }

            // /proc counts in USER_HZ, 100 on Linux.
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
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

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                await RunServerProgramAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
            }
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string[]? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may hold spaces; the fields after it are plain numbers.
            var close = text.LastIndexOf(')');
            return close < 0 ? null : text[(close + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long Field(string[] fields, int index) =>
        index < fields.Length && long.TryParse(fields[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindBinDirectory()
    {
        var configured = Environment.GetEnvironmentVariable(BinDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException(
            $"Row 4 needs the PostgreSQL server programs (initdb, pg_ctl) under /usr/lib/postgresql/*/bin: install them "
            + $"(apt-get install -y postgresql) or set {BinDirectoryVariable} to the directory holding them.");
    }

    private Task RunServerProgramAsync(string program, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(_binDirectory, program);
        return _runAsPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments])
            : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}

/// <summary>One statement's share of the server's time (pg_stat_statements, milliseconds).</summary>
internal sealed record StatementCost(string Query, long Calls, double ExecMilliseconds, double PlanMilliseconds, long Rows, long WalBytes);

/// <summary>Successful writes so far, counted in the tables themselves, the WAL position in bytes and the WAL flushes to disk.</summary>
internal sealed record DatabaseWrites(IReadOnlyDictionary<string, long> StateWritesByGrainType, long ReminderWrites, long WalBytes, long WalSyncs)
{
    public long StateWrites => StateWritesByGrainType.Values.Sum();

    public long Total => StateWrites + ReminderWrites;

    /// <summary>State writes of grain types whose name contains <paramref name="fragment"/>.</summary>
    public long StateWritesOf(string fragment) =>
        StateWritesByGrainType.Where(pair => pair.Key.Contains(fragment, StringComparison.OrdinalIgnoreCase)).Sum(pair => pair.Value);
}

using System.Globalization;
using Npgsql;

namespace Engine.Testing.Postgres;

/// <summary>
/// A PostgreSQL server for tests and benchmarks: initdb into a temporary directory on this
/// machine's disk, started on a free loopback port with trust authentication, removed at the
/// end. Tests may use an existing server instead (<see cref="ExternalServerVariable"/>, e.g. in CI).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The connection string of an existing server (a superuser) for the tests to use instead.</summary>
    public const string ExternalServerVariable = "ENGINE_TEST_PG";

    // initdb and a start on a busy machine can take a while; pg_ctl itself gives up after 60 s.
    private static readonly TimeSpan ProgramTimeout = TimeSpan.FromMinutes(3);

    private readonly string? _directory;
    private readonly PostgresPrograms? _programs;
    private readonly bool _runAsPostgresUser;
    private readonly string _serverOptions;

    private PostgresServer(string adminConnectionString, string? directory, PostgresPrograms? programs, bool runAsPostgresUser, string serverOptions)
    {
        AdminConnectionString = adminConnectionString;
        _directory = directory;
        _programs = programs;
        _runAsPostgresUser = runAsPostgresUser;
        _serverOptions = serverOptions;
    }

    /// <summary>Superuser connection to the server's maintenance database (not pooled).</summary>
    public string AdminConnectionString { get; }

    /// <summary>Where psql and the server programs live (null for an external server).</summary>
    public string? BinDirectory => _programs?.BinDirectory;

    /// <summary>The server's major version ("external" when it is not ours).</summary>
    public string Version => _programs?.Version ?? "external";

    public bool IsExternal => _directory is null;

    private string DataDirectory => Path.Combine(_directory ?? throw NotOurs(), "data");

    /// <summary>The server named by <see cref="ExternalServerVariable"/> if set, else a throwaway one with the tests' (not durable) settings.</summary>
    public static Task<PostgresServer> StartForTestsAsync()
    {
        var external = Environment.GetEnvironmentVariable(ExternalServerVariable);
        return string.IsNullOrWhiteSpace(external)
            ? StartThrowawayAsync()
            : Task.FromResult(new PostgresServer(external, directory: null, programs: null, runAsPostgresUser: false, serverOptions: ""));
    }

    /// <summary>Creates and starts a new server in a temporary directory.</summary>
    public static async Task<PostgresServer> StartThrowawayAsync(PostgresServerOptions? options = null)
    {
        options ??= new PostgresServerOptions();
        var programs = PostgresPrograms.Find();
        var directory = Directory.CreateTempSubdirectory(options.DirectoryPrefix).FullName;
        // initdb refuses to run as root; the Debian package provides a postgres user.
        var runAsPostgresUser = Environment.UserName == "root";
        PostgresServer? server = null;
        try
        {
            if (runAsPostgresUser)
            {
                await ToolRun.RunCheckedAsync("chown", ["-R", "postgres:", directory]);
            }

            await RunServerProgramAsync(programs, runAsPostgresUser, "initdb", ["-D", Path.Combine(directory, "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
            var port = FreePorts.Next();
            server = new PostgresServer(
                $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false",
                directory,
                programs,
                runAsPostgresUser,
                ServerOptions(directory, port, options));
            await server.StartAsync();
            return server;
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
            else
            {
                Directory.Delete(directory, recursive: true);
            }

            throw;
        }
    }

    /// <summary>Starts the server (again), on the same port and data.</summary>
    public Task StartAsync() =>
        RunServerProgramAsync("pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(_directory!, "server.log"), "-w", "-t", "60", "-o", _serverOptions, "start"]);

    /// <summary>Stops the server as an outage would: connections are cut at once.</summary>
    public Task StopAsync() =>
        RunServerProgramAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);

    /// <summary>Creates an empty database (a fresh name unless given) and returns a pooled connection string for it.</summary>
    public async Task<TestDatabase> CreateDatabaseAsync(string? name = null)
    {
        name ??= "engine_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true };
        return new TestDatabase(name, builder.ConnectionString);
    }

    /// <summary>
    /// CPU time of the server so far, all its processes counted, so a benchmark can keep it
    /// apart from the engine's. Zero for an external server or one that is not running.
    /// </summary>
    public TimeSpan Cpu()
    {
        if (IsExternal)
        {
            return TimeSpan.Zero;
        }

        try
        {
            var postmaster = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
            return ProcessTreeCpu.Of(postmaster);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_directory is null)
        {
            return;
        }

        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                await StopAsync();
            }
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string ServerOptions(string directory, int port, PostgresServerOptions options)
    {
        var durable = options.Durable ? "on" : "off";
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["listen_addresses"] = "127.0.0.1",
            ["fsync"] = durable,
            ["synchronous_commit"] = durable,
            ["full_page_writes"] = durable,
            // Several silos with their connection pools at once.
            ["max_connections"] = "300",
        };
        foreach (var (name, value) in options.Settings)
        {
            settings[name] = value;
        }

        return $"-p {port} -k {directory} " + string.Join(' ', settings.Select(setting => $"-c {setting.Key}={setting.Value}"));
    }

    private Task RunServerProgramAsync(string program, IReadOnlyList<string> arguments) =>
        RunServerProgramAsync(_programs ?? throw NotOurs(), _runAsPostgresUser, program, arguments);

    private static Task RunServerProgramAsync(PostgresPrograms programs, bool runAsPostgresUser, string program, IReadOnlyList<string> arguments)
    {
        var path = programs.PathOf(program);
        // The postgres user may not be allowed into the current directory.
        var workingDirectory = Path.GetTempPath();
        return runAsPostgresUser
            ? ToolRun.RunCheckedAsync("runuser", ["-u", "postgres", "--", path, .. arguments], ProgramTimeout, workingDirectory)
            : ToolRun.RunCheckedAsync(path, arguments, ProgramTimeout, workingDirectory);
    }

    private static InvalidOperationException NotOurs() =>
        new($"The server named by {ExternalServerVariable} is not the tests' to start or stop.");
}

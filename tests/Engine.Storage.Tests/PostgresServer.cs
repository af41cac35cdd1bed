using System.Diagnostics;
using Npgsql;

namespace Engine.Storage.Tests;

/// <summary>
/// A throwaway PostgreSQL server for the tests of one collection: initdb into a temporary
/// directory, started on a free loopback port with trust authentication, removed at the
/// end. Each test asks for a database of its own. Set ENGINE_TEST_PG to the connection
/// string of an existing server (a superuser) to use that instead, e.g. in CI.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string ExternalServerVariable = "ENGINE_TEST_PG";
    private const string BinDirectoryVariable = "ENGINE_TEST_PG_BIN";

    private string? _directory;
    private string? _settings;
    private string? _binDirectory;
    private bool _runAsPostgresUser;

    /// <summary>Superuser connection to the server's maintenance database.</summary>
    public string AdminConnectionString { get; private set; } = "";

    /// <summary>Where psql and the server programs live (null for an external server).</summary>
    public string? BinDirectory => _binDirectory;

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(ExternalServerVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            AdminConnectionString = external;
            return;
        }

        _binDirectory = FindBinDirectory();
        _directory = Directory.CreateTempSubdirectory("engine-pg-").FullName;
        var data = Path.Combine(_directory, "data");
        // initdb refuses to run as root; the Debian package provides a postgres user.
        _runAsPostgresUser = Environment.UserName == "root";
        if (_runAsPostgresUser)
        {
            await RunAsync("chown", ["-R", "postgres:", _directory]);
        }

        await RunServerProgramAsync("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
        var port = FreePorts.Next();
        _settings = $"-p {port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
        await StartAsync();
        AdminConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
    }

    /// <summary>Starts the server (again), on the same port and data.</summary>
    public Task StartAsync() =>
        RunServerProgramAsync("pg_ctl", ["-D", Path.Combine(_directory!, "data"), "-l", Path.Combine(_directory!, "server.log"), "-w", "-t", "60", "-o", _settings!, "start"]);

    /// <summary>Stops the server as an outage would: connections are cut at once.</summary>
    public Task StopAsync() =>
        RunServerProgramAsync("pg_ctl", ["-D", Path.Combine(_directory!, "data"), "-m", "immediate", "-w", "stop"]);

    /// <summary>Creates an empty database and returns a connection string for it.</summary>
    public async Task<TestDatabase> CreateDatabaseAsync()
    {
        var name = "engine_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true };
        return new TestDatabase(name, builder.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_directory is null)
        {
            return;
        }

        try
        {
            await RunServerProgramAsync("pg_ctl", ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
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
            $"PostgreSQL server programs not found under /usr/lib/postgresql/*/bin. Install them (apt-get install -y postgresql), "
            + $"set {BinDirectoryVariable} to the directory holding initdb and pg_ctl, or set {ExternalServerVariable} to a server's connection string.");
    }

    private Task RunServerProgramAsync(string program, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(_binDirectory!, program);
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

/// <summary>One test's database.</summary>
public sealed record TestDatabase(string Name, string ConnectionString)
{
    /// <summary>The same database as a libpq URL, for psql.</summary>
    public string Url
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
        }
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

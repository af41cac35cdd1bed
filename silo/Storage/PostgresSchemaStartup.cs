using Npgsql;

namespace Engine.Silo.Storage;

/// <summary>
/// Applies (Storage:ApplySchema=true) or checks the PostgreSQL schema while the host is
/// starting. It works in <see cref="StartingAsync"/>, which the host runs for every
/// lifecycle service before any <c>StartAsync</c>, so it finishes before the Orleans silo
/// (a plain hosted service) initialises its AdoNet providers; a failure stops the start.
/// </summary>
public sealed partial class PostgresSchemaStartup(
    PostgresSchemaStartup.Settings settings,
    ILogger<PostgresSchemaStartup> logger) : IHostedLifecycleService
{
    /// <summary>What to apply or check, and where.</summary>
    public sealed record Settings(string ConnectionString, bool ApplySchema, IReadOnlyList<SchemaRequirement> Requirements);

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var target = Describe(settings.ConnectionString);
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException($"Cannot connect to PostgreSQL at {target} (Storage:ConnectionString): {ex.Message}", ex);
        }

        if (settings.ApplySchema)
        {
            var ran = await SchemaApplier.ApplyAsync(connection, cancellationToken);
            if (ran.Count > 0)
            {
                LogApplied(target, string.Join(", ", ran));
            }
            else
            {
                LogUpToDate(target);
            }
        }
        else
        {
            var recorded = await SchemaApplier.ReadRecordedAsync(connection, null, cancellationToken);
            var notRecorded = SchemaScripts.All.Select(s => s.Name).Where(name => !recorded.Contains(name)).ToList();
            if (recorded.Count > 0 && notRecorded.Count > 0)
            {
                LogNotRecorded(target, string.Join(", ", notRecorded));
            }
        }

        // Also after applying: proves the scripts cover what the configured providers read.
        await SchemaVerifier.VerifyAsync(connection, settings.Requirements, cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Host, port and database only: the connection string itself may carry a password.</summary>
    public static string Describe(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{builder.Host}:{builder.Port}/{builder.Database}";
        }
        catch (ArgumentException)
        {
            return "(unparsable connection string)";
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL schema at {Target}: applied {Scripts}")]
    private partial void LogApplied(string target, string scripts);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL schema at {Target} is up to date")]
    private partial void LogUpToDate(string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL schema at {Target} has not recorded {Scripts}; apply them (deploy/sql/README.md)")]
    private partial void LogNotRecorded(string target, string scripts);
}

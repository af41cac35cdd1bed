using Npgsql;

namespace Engine.Silo.Storage;

/// <summary>
/// Applies the deploy/sql scripts a database has not recorded yet, in order, in one
/// transaction. A transaction-scoped advisory lock makes silos that start together take
/// turns: the first applies, the others then find everything recorded and do nothing.
/// </summary>
public static class SchemaApplier
{
    /// <summary>Arbitrary, but the same in every silo: the lock is per database and key.</summary>
    private const long AdvisoryLockKey = 0x456E_6769_6E65_0001;

    /// <summary>Applies what is missing and returns the names of the scripts it ran (empty when up to date).</summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        var recorded = await ReadRecordedAsync(connection, transaction, cancellationToken);
        var ran = new List<string>();
        foreach (var script in SchemaScripts.All.Where(script => !recorded.Contains(script.Name)))
        {
            await using var command = new NpgsqlCommand(script.Sql, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
            ran.Add(script.Name);
        }

        // Every script records itself; one that did not would silently re-run on each start.
        var unrecorded = ran.Except(await ReadRecordedAsync(connection, transaction, cancellationToken), StringComparer.Ordinal).ToList();
        if (unrecorded.Count > 0)
        {
            throw new InvalidOperationException($"Schema scripts ran but did not record themselves in engine_schema_version: {string.Join(", ", unrecorded)}.");
        }

        await transaction.CommitAsync(cancellationToken);
        return ran;
    }

    /// <summary>The script names recorded in engine_schema_version; empty when the table does not exist.</summary>
    public static async Task<HashSet<string>> ReadRecordedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('engine_schema_version') IS NOT NULL", connection, transaction))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return recorded;
            }
        }

        await using var command = new NpgsqlCommand("SELECT script FROM engine_schema_version", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            recorded.Add(reader.GetString(0));
        }

        return recorded;
    }
}

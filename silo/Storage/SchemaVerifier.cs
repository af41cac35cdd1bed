using Npgsql;

namespace Engine.Silo.Storage;

/// <summary>The database objects one Orleans provider needs: relations (tables, indexes) and OrleansQuery keys.</summary>
public sealed record SchemaRequirement(string Feature, IReadOnlyList<string> Tables, IReadOnlyList<string> Indexes, IReadOnlyList<string> QueryKeys)
{
    /// <summary>Shared by every provider: where they read their SQL from.</summary>
    public static readonly SchemaRequirement Core = new("queries", ["orleansquery"], [], []);

    // The projection is written in the same statement as each customer's state: without it every customer write fails.
    public static readonly SchemaRequirement Persistence = new("grain state", ["engine_grain_state", "engine_customer_summary"], [], []);

    public static readonly SchemaRequirement Reminders = new(
        "reminders",
        ["orleansremindertable"],
        [],
        ["ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey"]);

    public static readonly SchemaRequirement Clustering = new(
        "clustering",
        ["orleansmembershipversiontable", "orleansmembershiptable"],
        [],
        [
            "InsertMembershipVersionKey", "MembershipReadRowKey", "MembershipReadAllKey", "GatewaysQueryKey", "UpdateIAmAlivetimeKey",
            "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
        ]);

    /// <summary>What a silo configured with <paramref name="options"/> needs.</summary>
    public static IReadOnlyList<SchemaRequirement> For(StorageOptions options) =>
        options.Clustering == ClusteringProvider.Postgres
            ? [Core, Persistence, Reminders, Clustering]
            : [Core, Persistence, Reminders];
}

/// <summary>The database lacks objects the configured Orleans providers need.</summary>
public sealed class StorageSchemaException(IReadOnlyList<string> missing)
    : Exception(
        $"PostgreSQL schema is missing: {string.Join(", ", missing)}. "
        + "Apply deploy/sql with psql (see deploy/sql/README.md) or set Storage:ApplySchema=true.")
{
    /// <summary>Each missing object as "table x", "index x" or "query key X".</summary>
    public IReadOnlyList<string> MissingObjects { get; } = missing;
}

/// <summary>
/// Checks, before Orleans starts, that the tables and queries its AdoNet providers read
/// are present, so a missing schema fails the start with one message naming all of it
/// instead of a provider error about the first thing it tripped over.
/// </summary>
public static class SchemaVerifier
{
    /// <summary>Every missing object, in requirement order; empty when the schema is complete.</summary>
    public static async Task<IReadOnlyList<string>> FindMissingAsync(NpgsqlConnection connection, IReadOnlyList<SchemaRequirement> requirements, CancellationToken cancellationToken)
    {
        var relations = requirements.SelectMany(r => r.Tables.Select(t => ("table", t)).Concat(r.Indexes.Select(i => ("index", i)))).Distinct().ToList();
        var missingRelations = await MissingRelationsAsync(connection, relations.Select(r => r.Item2).ToArray(), cancellationToken);
        var keys = requirements.SelectMany(r => r.QueryKeys).Distinct(StringComparer.Ordinal).ToArray();
        var missingKeys = missingRelations.Contains("orleansquery")
            ? new HashSet<string>(keys, StringComparer.Ordinal)
            : await MissingQueryKeysAsync(connection, keys, cancellationToken);

        return relations.Where(r => missingRelations.Contains(r.Item2)).Select(r => $"{r.Item1} {r.Item2}")
            .Concat(keys.Where(missingKeys.Contains).Select(k => $"query key {k}"))
            .ToList();
    }

    /// <summary>Throws <see cref="StorageSchemaException"/> naming every missing object.</summary>
    public static async Task VerifyAsync(NpgsqlConnection connection, IReadOnlyList<SchemaRequirement> requirements, CancellationToken cancellationToken)
    {
        var missing = await FindMissingAsync(connection, requirements, cancellationToken);
        if (missing.Count > 0)
        {
            throw new StorageSchemaException(missing);
        }
    }

    private static async Task<HashSet<string>> MissingRelationsAsync(NpgsqlConnection connection, string[] names, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT n FROM unnest(@names) AS n WHERE to_regclass(n) IS NULL", connection);
        command.Parameters.AddWithValue("names", names);
        return await ReadStringsAsync(command, cancellationToken);
    }

    private static async Task<HashSet<string>> MissingQueryKeysAsync(NpgsqlConnection connection, string[] keys, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT k FROM unnest(@keys) AS k WHERE NOT EXISTS (SELECT 1 FROM orleansquery AS q WHERE q.querykey = k)", connection);
        command.Parameters.AddWithValue("keys", keys);
        return await ReadStringsAsync(command, cancellationToken);
    }

    private static async Task<HashSet<string>> ReadStringsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}

using Microsoft.Extensions.Options;
using Engine.Domain.Customers;
using Engine.Grains.Projection;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;

namespace Engine.Silo.Storage.GrainState;

/// <summary>
/// Grain state in PostgreSQL (table <c>engine_grain_state</c>, deploy/sql/0005), written in
/// batches that share one commit (<see cref="StateWriteBatches"/>). Same contract as any Orleans
/// grain storage: the ETag is the row's version, and a write or clear that names another
/// version than the stored one changes nothing and throws <see cref="InconsistentStateException"/>.
/// State is serialized with Orleans' binary serializer (the state classes carry [Id]s). A
/// customer's write also writes its projection row, in the same statement.
/// </summary>
internal sealed class PostgresGrainStorage(
    NpgsqlDataSource dataSource,
    StateWriteBatches writes,
    IGrainStorageSerializer serializer,
    IOptions<ClusterOptions> cluster,
    CustomerSummarySource summaries) : IGrainStorage
{
    private const string ReadSql =
        "SELECT version, payload FROM engine_grain_state WHERE service_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4";

    private readonly string _serviceId = cluster.Value.ServiceId;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = KeyOf(stateName, grainId);
        await using var command = dataSource.CreateCommand(ReadSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.ServiceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.GrainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.GrainKey });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.StateName });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            grainState.State = Activator.CreateInstance<T>();
            return;
        }

        grainState.ETag = StateVersion.ETagOf(reader.GetInt32(0));
        if (await reader.IsDBNullAsync(1))
        {
            // Cleared: the row keeps its version so a stale writer still conflicts.
            grainState.RecordExists = false;
            grainState.State = Activator.CreateInstance<T>();
            return;
        }

        grainState.RecordExists = true;
        grainState.State = serializer.Deserialize<T>(new BinaryData(reader.GetFieldValue<byte[]>(1)));
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = serializer.Serialize(grainState.State).ToArray();
        var expected = StateVersion.VersionOf(grainState.ETag);
        // A customer's projection row is written with its state (deploy/sql/0006).
        var summary = grainState.State is CustomerState customer ? summaries.Of(customer, (expected ?? 0) + 1) : null;
        var version = await writes.WriteAsync(KeyOf(stateName, grainId), payload, expected, summary);
        grainState.ETag = version is { } v ? StateVersion.ETagOf(v) : throw StateVersion.Conflict(grainId, stateName, grainState.ETag);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (StateVersion.VersionOf(grainState.ETag) is { } expected)
        {
            var version = await writes.WriteAsync(KeyOf(stateName, grainId), payload: null, expected);
            grainState.ETag = version is { } v ? StateVersion.ETagOf(v) : throw StateVersion.Conflict(grainId, stateName, grainState.ETag);
        }

        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    private StateRowKey KeyOf(string stateName, GrainId grainId) => new(_serviceId, grainId.Type.ToString()!, grainId.Key.ToString()!, stateName);
}

using System.Collections.Concurrent;
using Engine.Domain.Customers;
using Engine.Grains.Projection;
using Engine.Silo.Storage.Projection;
using Orleans.Storage;

namespace Engine.Silo.Storage.GrainState;

/// <summary>
/// The embedded default's grain state: a dictionary in this process, with the same contract
/// as the PostgreSQL provider (the ETag is a version; a write or clear naming another version
/// throws <see cref="InconsistentStateException"/>) and the same binary serializer, so state
/// is copied, never shared. Orleans' own memory storage keeps state in storage grains, which
/// costs a grain call per write and deactivates alongside the customers at shutdown, failing
/// their last writes; this has neither. Nothing survives the process, as with any memory storage.
/// A customer's write also puts its projection row in <see cref="MemoryCustomerProjection"/>.
/// </summary>
internal sealed class InProcessGrainStorage(IGrainStorageSerializer serializer, CustomerSummarySource summaries, MemoryCustomerProjection projection) : IGrainStorage
{
    private readonly ConcurrentDictionary<(GrainId Grain, string State), StoredState> _rows = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_rows.TryGetValue((grainId, stateName), out var row))
        {
            grainState.ETag = StateVersion.ETagOf(row.Version);
            grainState.RecordExists = row.Payload is not null;
            grainState.State = row.Payload is { } payload ? serializer.Deserialize<T>(payload) : Activator.CreateInstance<T>();
        }
        else
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            grainState.State = Activator.CreateInstance<T>();
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var version = Store((grainId, stateName), serializer.Serialize(grainState.State), grainState.ETag);
        if (grainState.State is CustomerState customer)
        {
            projection.Put(summaries.Of(customer, version));
        }

        grainState.ETag = StateVersion.ETagOf(version);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is not null)
        {
            grainState.ETag = StateVersion.ETagOf(Store((grainId, stateName), payload: null, grainState.ETag));
        }

        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    /// <summary>Every stored customer state with its version, as a rebuild reads them.</summary>
    public IEnumerable<(int Version, CustomerState State)> ReadCustomers()
    {
        foreach (var ((grain, state), row) in _rows)
        {
            if (row.Payload is { } payload && CustomerStateRows.Holds(grain.Type.ToString()!, state))
            {
                yield return (row.Version, serializer.Deserialize<CustomerState>(payload)!);
            }
        }
    }

    /// <summary>Whether the customer has a stored (not cleared) state.</summary>
    public bool HasCustomer(string customerId) =>
        _rows.TryGetValue((GrainId.Create(CustomerStateRows.GrainType, customerId), CustomerStateRows.StateName), out var row) && row.Payload is not null;

    private int Store((GrainId Grain, string State) key, BinaryData? payload, string? etag)
    {
        var stored = _rows.AddOrUpdate(
            key,
            _ => etag is null ? new StoredState(1, payload) : throw StateVersion.Conflict(key.Grain, key.State, etag),
            (_, row) => etag == StateVersion.ETagOf(row.Version) ? new StoredState(row.Version + 1, payload) : throw StateVersion.Conflict(key.Grain, key.State, etag));
        return stored.Version;
    }

    private sealed record StoredState(int Version, BinaryData? Payload);
}

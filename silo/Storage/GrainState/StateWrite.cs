namespace Engine.Silo.Storage.GrainState;

/// <summary>
/// One grain's write waiting for its batch: the row it names, the payload (null clears the
/// state) and the version the grain last read or wrote (null: it has never been stored).
/// Completes with the row's new version, or null when the stored version was another one.
/// A customer's write carries its projection row, written in the same statement.
/// </summary>
internal sealed class StateWrite(StateRowKey key, byte[]? payload, int? expectedVersion, Domain.Projection.CustomerSummary? summary = null)
{
    private readonly TaskCompletionSource<int?> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StateRowKey Key { get; } = key;

    public byte[]? Payload { get; } = payload;

    public int? ExpectedVersion { get; } = expectedVersion;

    public Domain.Projection.CustomerSummary? Summary { get; } = summary;

    public Task<int?> Done => _done.Task;

    public void Complete(int? newVersion) => _done.TrySetResult(newVersion);

    public void Fail(Exception error) => _done.TrySetException(error);
}

/// <summary>Where a grain's state lives: one row per service, grain type, grain key and state name.</summary>
internal readonly record struct StateRowKey(string ServiceId, string GrainType, string GrainKey, string StateName) : IComparable<StateRowKey>
{
    // Batches write their rows in key order, so two batches never wait on each other's row locks in opposite orders.
    public int CompareTo(StateRowKey other)
    {
        var order = string.CompareOrdinal(GrainType, other.GrainType);
        order = order != 0 ? order : string.CompareOrdinal(GrainKey, other.GrainKey);
        return order != 0 ? order : string.CompareOrdinal(StateName, other.StateName);
    }
}

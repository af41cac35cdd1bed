namespace Engine.Grains.Effects;

/// <summary>
/// Where segment membership changes are published (the engagement.segment-changes topic), with
/// the same exactly-once protocol as <see cref="ITierChangeOutput"/>: the grain records
/// <see cref="MarkAsync"/>'s position in durable state before publishing, and after a crash asks
/// <see cref="ContainsAsync"/> whether the record made it before publishing again.
/// </summary>
public interface ISegmentChangeOutput
{
    /// <summary>The position from which a record for this customer published from now on can be found.</summary>
    Task<long> MarkAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Publishes the record and completes when the broker has it.</summary>
    Task PublishAsync(SegmentChangeRecord record, CancellationToken cancellationToken = default);

    /// <summary>True when a record with this effect id was published at or after <paramref name="fromPosition"/>.</summary>
    Task<bool> ContainsAsync(string customerId, string effectId, long fromPosition, CancellationToken cancellationToken = default);
}

/// <summary>
/// A customer entering or leaving a segment, as published for downstream systems: why, when,
/// and the value model version its facts came from (null before any fit);
/// <paramref name="Historical"/> when decided from history (a backfill), not news.
/// </summary>
public sealed record SegmentChangeRecord(
    string EffectId, string CustomerId, string Segment, bool Entered, string Reason, DateTimeOffset At, int? ModelVersion, bool Historical = false);

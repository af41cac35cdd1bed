namespace Engine.Grains.Effects;

/// <summary>
/// Where tier changes are published (the engagement.tier-changes topic). Publishing is
/// made exactly-once by the grain: it records <see cref="MarkAsync"/>'s position in durable
/// state before publishing, and after a crash asks <see cref="ContainsAsync"/> whether the
/// record made it before publishing again.
/// </summary>
public interface ITierChangeOutput
{
    /// <summary>The position from which a record for this customer published from now on can be found.</summary>
    Task<long> MarkAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Publishes the record and completes when the broker has it.</summary>
    Task PublishAsync(TierChangeRecord record, CancellationToken cancellationToken = default);

    /// <summary>True when a record with this effect id was published at or after <paramref name="fromPosition"/>.</summary>
    Task<bool> ContainsAsync(string customerId, string effectId, long fromPosition, CancellationToken cancellationToken = default);
}

/// <summary>
/// A tier change as published for downstream systems; <paramref name="Historical"/> when it was
/// decided from history (backfill, or found long after <paramref name="At"/>), not news.
/// </summary>
public sealed record TierChangeRecord(string EffectId, string CustomerId, string From, string To, string Reason, DateTimeOffset At, bool Historical = false);

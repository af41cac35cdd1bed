using Engine.Domain.Events;

namespace Engine.Domain.Processing;

/// <summary>
/// The newest backfill event a customer has applied, by (occurredAt, eventId). History is
/// loaded oldest first per customer (the importer sorts it), so a backfill event at or before
/// the mark was applied already: re-running an import applies nothing twice, however old the
/// history, where business keys are remembered only for <c>Rules:Dedupe:KeyRetentionDays</c>.
/// One field per customer instead of every imported order id.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.BackfillMark")]
public sealed record BackfillMark(
    [property: Id(0)] DateTimeOffset OccurredAt,
    [property: Id(1)] string EventId)
{
    /// <summary>True when <paramref name="e"/> sorts at or before the mark: already loaded.</summary>
    public bool Covers(CustomerEvent e) =>
        e.OccurredAt < OccurredAt || (e.OccurredAt == OccurredAt && string.CompareOrdinal(e.EventId, EventId) <= 0);

    /// <summary>The mark moved on to <paramref name="e"/> if it is later.</summary>
    public static BackfillMark After(BackfillMark? mark, CustomerEvent e) =>
        mark is not null && mark.Covers(e) ? mark : new BackfillMark(e.OccurredAt, e.EventId);
}

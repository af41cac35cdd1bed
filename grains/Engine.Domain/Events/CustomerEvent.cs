namespace Engine.Domain.Events;

/// <summary>
/// Something a customer did or that happened to a customer, as accepted from the event
/// contract (docs/events.md). Every event carries a producer-assigned id, used to drop
/// producer retries that land at a new offset.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.CustomerEvent")]
public abstract record CustomerEvent
{
    [Id(0)] public required string EventId { get; init; }
    [Id(1)] public required string CustomerId { get; init; }
    [Id(2)] public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>
    /// History being loaded (the Kafka header <c>engine-mode: backfill</c>): it builds state
    /// exactly as a live event does, but what it decides is recorded as historical, never sent.
    /// </summary>
    [Id(3)] public bool Backfill { get; init; }

    /// <summary>The contract's name for this event type (the JSON "type" field).</summary>
    public abstract string Type { get; }
}

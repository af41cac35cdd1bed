using Engine.Domain.Events;

namespace Engine.Silo.Ingestion;

/// <summary>The result of reading one Kafka message: an event, or why it was refused.</summary>
public readonly record struct ParsedEvent(CustomerEvent? Event, string? Reason, string? Detail)
{
    public bool IsValid => Event is not null;

    public static ParsedEvent Valid(CustomerEvent e) => new(e, null, null);

    public static ParsedEvent Invalid(string reason, string detail) => new(null, reason, detail);
}

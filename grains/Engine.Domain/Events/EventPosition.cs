namespace Engine.Domain.Events;

/// <summary>
/// Where an event sits in its source stream: a Kafka topic-partition and offset. A
/// customer's state records the highest position it has applied per stream, so a replay
/// after a crash re-applies nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.EventPosition")]
public readonly record struct EventPosition(
    [property: Id(0)] string Stream,
    [property: Id(1)] long Offset)
{
    /// <summary>The stream name used for a Kafka topic-partition.</summary>
    public static string StreamOf(string topic, int partition) => string.Concat(topic, "/", partition.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public override string ToString() => $"{Stream}@{Offset}";
}

/// <summary>An event together with its position in the source stream.</summary>
[GenerateSerializer, Immutable, Alias("engine.SequencedEvent")]
public sealed record SequencedEvent(
    [property: Id(0)] CustomerEvent Event,
    [property: Id(1)] EventPosition Position);

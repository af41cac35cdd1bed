using Engine.Domain.Events;

namespace Engine.Contracts;

/// <summary>
/// Consecutive events of one customer. <see cref="ExpectedWatermarks"/> carries, per stream,
/// the offset of the last event the sender gave this customer before the batch: a grain
/// whose watermark is below it has lost applied-but-unsaved events (a crashed silo, a
/// failed write) and refuses the batch so the sender can rewind.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.EventBatch")]
public sealed record EventBatch(
    [property: Id(0)] IReadOnlyList<SequencedEvent> Events,
    [property: Id(1)] IReadOnlyDictionary<string, long>? ExpectedWatermarks = null);

/// <summary>What the grain did with a batch.</summary>
[GenerateSerializer, Immutable, Alias("engine.ApplyReport")]
public sealed record ApplyReport(
    [property: Id(0)] int Applied,
    [property: Id(1)] int Duplicates,
    [property: Id(2)] IReadOnlyList<EventRejection> Rejections,
    [property: Id(3)] IReadOnlyList<string> GapStreams)
{
    /// <summary>
    /// The event whose rules threw, if one did. The grain then dropped what it held in memory
    /// (reloaded its durable state), so nothing of this batch counts as applied: the sender
    /// re-delivers, and after enough failures of the same event dead-letters it (apply-failed).
    /// </summary>
    [Id(4)] public ApplyFailure? Failure { get; init; }

    /// <summary>True when the grain refused the batch because it is missing earlier events.</summary>
    public bool HasGap => GapStreams.Count > 0;
}

/// <summary>An event whose application threw: where it is and the exception's type (never its message, which may hold personal data).</summary>
[GenerateSerializer, Immutable, Alias("engine.ApplyFailure")]
public sealed record ApplyFailure(
    [property: Id(0)] EventPosition Position,
    [property: Id(1)] string EventId,
    [property: Id(2)] string ErrorType);

/// <summary>An event the rules refused, with a reason from <see cref="Engine.Domain.Processing.RejectionReasons"/>.</summary>
[GenerateSerializer, Immutable, Alias("engine.EventRejection")]
public sealed record EventRejection(
    [property: Id(0)] EventPosition Position,
    [property: Id(1)] string EventId,
    [property: Id(2)] string Reason);

/// <summary>
/// Per stream, the highest offset whose effect is in durable storage, and the highest applied
/// in memory (lower than what the ingestion handed out: the activation lost events).
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.FlushReport")]
public sealed record FlushReport(
    [property: Id(0)] IReadOnlyDictionary<string, long> DurableWatermarks,
    [property: Id(1)] IReadOnlyDictionary<string, long> AppliedWatermarks);

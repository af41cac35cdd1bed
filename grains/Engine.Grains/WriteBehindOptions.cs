namespace Engine.Grains;

/// <summary>
/// When a customer grain writes its state. Writes are batched: a grain applies events in
/// memory and writes when asked to flush (the ingestion checkpoint), when it has collected
/// too many unsaved events, or when it is deactivated. Bound from "WriteBehind".
/// </summary>
public sealed class WriteBehindOptions
{
    public const string SectionName = "WriteBehind";

    /// <summary>Unsaved events after which the grain writes without waiting for a checkpoint.</summary>
    public int MaxUnsavedEvents { get; set; } = 200;

    /// <summary>
    /// How long applied events may stay unsaved before a checkpoint writes them. Between
    /// writes a customer collects every event it gets, so database writes per event fall as
    /// this grows; the price is a later offset commit (Kafka-to-durable latency) and more
    /// events re-delivered (and skipped) after a crash. Zero: every checkpoint writes every
    /// customer it touched.
    /// </summary>
    public TimeSpan MaxUnsavedAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long an effect an event decided (a tier change, an SMS) may wait for the write that
    /// makes it durable, after which it leaves. Waiting lets it ride the customer's write of
    /// its events instead of costing a write of its own; the price is a later reaction (at most
    /// this plus Ingestion:CheckpointInterval). Zero: write as soon as an event decides an
    /// effect, so it leaves within milliseconds, at one more write per effect.
    /// </summary>
    public TimeSpan MaxEffectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Effects are written as soon as an event or the clock decides them.</summary>
    public bool WritesEffectsAtOnce => MaxEffectDelay <= TimeSpan.Zero;
}

namespace Engine.Grains;

/// <summary>
/// When a customer grain writes its state. Writes are batched: a grain applies events in
/// memory and writes on its own timer when its oldest unsaved event is old enough, at once for
/// an effect, when it has collected too many unsaved changes, when asked to flush (partitions
/// leaving the silo) or when it is deactivated. Bound from "WriteBehind".
/// </summary>
public sealed class WriteBehindOptions
{
    public const string SectionName = "WriteBehind";

    /// <summary>Unsaved events after which the grain writes without waiting for a checkpoint.</summary>
    public int MaxUnsavedEvents { get; set; } = 200;

    /// <summary>
    /// How long applied events may stay unsaved before the customer writes them. Between
    /// writes a customer collects every event it gets, so database writes per event fall as
    /// this grows; the price is a later offset commit (Kafka-to-durable latency) and more
    /// events re-delivered (and skipped) after a crash. Zero: every checkpoint writes every
    /// customer it touched.
    /// </summary>
    public TimeSpan MaxUnsavedAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long an effect (a tier change, an SMS to send) may wait for the write that makes it
    /// durable, after which it leaves. Zero (the default): the customer writes as soon as an
    /// event or the clock decides an effect, so it leaves within milliseconds; effects are rare
    /// next to events and the storage groups concurrent writes into one commit, so this costs
    /// little. A delay lets an effect ride the customer's write of its events instead.
    /// </summary>
    public TimeSpan MaxEffectDelay { get; set; } = TimeSpan.Zero;

    /// <summary>The policy's limits (<see cref="Engine.Domain.Processing.UnsavedChanges"/>).</summary>
    public Engine.Domain.Processing.WriteBehindLimits Limits => new(MaxUnsavedEvents, MaxUnsavedAge, MaxEffectDelay);
}

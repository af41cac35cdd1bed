namespace Engine.Grains.Effects;

/// <summary>
/// Where a customer grain hands a tier or segment change whose outbox record is durable, so the
/// broker's acknowledgement is awaited outside the customer's turn (applying events does not
/// wait for it). The outlet (the silo's dispatcher) publishes through
/// <see cref="EffectPublishing"/> and reports back with <c>CompleteEffectPublicationAsync</c>.
/// </summary>
public interface IEffectOutlet
{
    void Submit(EffectPublication publication);

    /// <summary>
    /// Completes once every change handed out for the customer so far has its answer from the
    /// broker (on the topic, or failed): a deactivating customer waits for it, so the next
    /// activation's look-up cannot miss a record still on its way.
    /// </summary>
    Task PublishedAsync(string customerId);
}

/// <summary>
/// One open tier or segment change handed out for publication: its record, and where to look
/// for it first when an earlier attempt may have reached the topic (null: the first attempt,
/// no look-up).
/// </summary>
public sealed record EffectPublication(string CustomerId, string EffectId, long? LookUpFrom, TierChangeRecord? TierChange, SegmentChangeRecord? SegmentChange);

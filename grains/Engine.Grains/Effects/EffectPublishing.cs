namespace Engine.Grains.Effects;

/// <summary>
/// The broker's side of one handed-out publication: looks the record up first when an earlier
/// attempt may have reached the topic, and publishes it unless it is there. Completes when the
/// topic has the record; throws when that is not known (the grain keeps it open).
/// </summary>
public sealed class EffectPublishing(ITierChangeOutput tierChanges, ISegmentChangeOutput segmentChanges)
{
    public async Task PublishAsync(EffectPublication publication, CancellationToken cancellationToken = default)
    {
        if (publication.LookUpFrom is { } from && await ContainsAsync(publication, from, cancellationToken))
        {
            return;
        }

        if (publication.SegmentChange is { } segment)
        {
            await segmentChanges.PublishAsync(segment, cancellationToken);
        }
        else if (publication.TierChange is { } tier)
        {
            await tierChanges.PublishAsync(tier, cancellationToken);
        }
    }

    private Task<bool> ContainsAsync(EffectPublication publication, long from, CancellationToken cancellationToken) =>
        publication.SegmentChange is not null
            ? segmentChanges.ContainsAsync(publication.CustomerId, publication.EffectId, from, cancellationToken)
            : tierChanges.ContainsAsync(publication.CustomerId, publication.EffectId, from, cancellationToken);
}

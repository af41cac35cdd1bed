using Engine.Domain.Effects;

namespace Engine.Grains.Effects;

/// <summary>
/// Publishes a customer's open tier changes exactly once. Before the state holding a new
/// tier change is written, <see cref="PrepareAsync"/> marks it Sending with the output
/// position to search from, so the write that makes it durable also records the mark (no
/// write of its own). A message found Sending that this activation has not prepared (the
/// silo died mid-publish, or a publish failed) is looked up from that position and only
/// published if it is not there.
/// </summary>
public sealed class TierChangePublication(
    ITierChangeOutput output,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(EngineTime.Key)] TimeProvider time,
    LoyaltyStatistics statistics)
{
    /// <summary>
    /// Marks every pending tier change Sending and adds its id to <paramref name="unattempted"/>;
    /// call right before writing the state.
    /// </summary>
    public async Task PrepareAsync(string customerId, Outbox outbox, ISet<string> unattempted, CancellationToken cancellationToken = default)
    {
        foreach (var message in outbox.Open(OutboxKind.TierChange))
        {
            if (message.Status == OutboxStatus.Pending)
            {
                message.ProbeFrom = await output.MarkAsync(customerId, cancellationToken);
                message.Status = OutboxStatus.Sending;
                unattempted.Add(message.Id);
            }
        }
    }

    /// <summary>
    /// Publishes every open tier change of the outbox; the state must be durable, so every
    /// open one is Sending. Returns true when a message changed status since the last save.
    /// </summary>
    public async Task<bool> PublishOpenAsync(string customerId, Outbox outbox, ISet<string> unattempted, CancellationToken cancellationToken = default)
    {
        var changed = false;
        foreach (var message in outbox.Open(OutboxKind.TierChange).Where(m => m.Status == OutboxStatus.Sending).ToList())
        {
            // Removed before the attempt: a publish that fails may still have reached the broker.
            var firstAttempt = unattempted.Remove(message.Id);
            if (!firstAttempt && message.ProbeFrom is { } from
                && await output.ContainsAsync(customerId, message.Id, from, cancellationToken))
            {
                outbox.Complete(message, OutboxStatus.Done, time.GetUtcNow());
                changed = true;
                continue;
            }

            var notice = message.TierChange!;
            await output.PublishAsync(new TierChangeRecord(message.Id, customerId, notice.From, notice.To, notice.Reason, notice.At), cancellationToken);
            var now = time.GetUtcNow();
            outbox.Complete(message, OutboxStatus.Done, now);
            statistics.RecordPublished((now - message.CreatedAt).TotalSeconds);
            changed = true;
        }

        return changed;
    }
}

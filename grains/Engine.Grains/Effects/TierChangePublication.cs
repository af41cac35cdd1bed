using Engine.Domain.Effects;

namespace Engine.Grains.Effects;

/// <summary>
/// Publishes a customer's open tier changes exactly once. A message is marked Sending, with
/// the output position to search from, in durable state before it is published; a message
/// found Sending later (the silo died mid-publish) is looked up from that position and only
/// published if it is not there.
/// </summary>
public sealed class TierChangePublication(ITierChangeOutput output, [Microsoft.Extensions.DependencyInjection.FromKeyedServices(EngineTime.Key)] TimeProvider time)
{
    /// <summary>
    /// Publishes every open tier change of the outbox. <paramref name="saveAsync"/> must make
    /// the state durable. Returns true when a message changed status since the last save.
    /// </summary>
    public async Task<bool> PublishOpenAsync(string customerId, Outbox outbox, Func<Task> saveAsync, CancellationToken cancellationToken = default)
    {
        var changed = false;
        foreach (var message in outbox.Open(OutboxKind.TierChange).ToList())
        {
            var notice = message.TierChange!;
            if (message.Status == OutboxStatus.Sending && message.ProbeFrom is { } from
                && await output.ContainsAsync(customerId, message.Id, from, cancellationToken))
            {
                outbox.Complete(message, OutboxStatus.Done, time.GetUtcNow());
                changed = true;
                continue;
            }

            if (message.Status == OutboxStatus.Pending)
            {
                message.ProbeFrom = await output.MarkAsync(customerId, cancellationToken);
                message.Status = OutboxStatus.Sending;
                await saveAsync();
            }

            await output.PublishAsync(new TierChangeRecord(message.Id, customerId, notice.From, notice.To, notice.Reason, notice.At), cancellationToken);
            outbox.Complete(message, OutboxStatus.Done, time.GetUtcNow());
            changed = true;
        }

        return changed;
    }
}

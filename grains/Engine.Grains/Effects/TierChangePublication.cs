using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Engine.Grains.Effects;

/// <summary>
/// Publishes one customer's open tier changes and segment changes exactly once, each to its
/// own topic; one per activation (it remembers
/// what this activation marked). Before the state holding a new tier change is written,
/// <see cref="PrepareAsync"/> marks it Sending with the output position to search from, so
/// the write that makes it durable also records the mark (no write of its own). A message
/// found Sending that this activation has not prepared (the silo died mid-publish, or a
/// publish failed) is looked up from that position and only published if it is not there.
/// </summary>
public sealed partial class TierChangePublication(
    ITierChangeOutput output,
    ISegmentChangeOutput segmentOutput,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(EngineTime.Key)] TimeProvider time,
    LoyaltyStatistics statistics,
    SegmentStatistics segmentStatistics,
    ILogger<TierChangePublication> logger)
{
    // Marked Sending by this activation and not attempted yet: the first attempt needs no look-up.
    private readonly HashSet<string> _unattempted = new(StringComparer.Ordinal);

    /// <summary>
    /// Marks every pending tier change Sending; call right before writing the state. If the
    /// output cannot be reached, the state is written all the same and they stay pending.
    /// </summary>
    public async Task PrepareAsync(CustomerState state, CancellationToken cancellationToken = default)
    {
        try
        {
            foreach (var message in state.Outbox.OpenPublications())
            {
                if (message.Status == OutboxStatus.Pending)
                {
                    message.ProbeFrom = await MarkAsync(message, state.CustomerId, cancellationToken);
                    message.Status = OutboxStatus.Sending;
                    _unattempted.Add(message.Id);
                }
            }
        }
        catch (Exception ex)
        {
            LogPublishFailed(logger, ex.GetType().Name);
        }
    }

    /// <summary>The state was reloaded: what this activation marked belonged to the state it replaced.</summary>
    public void Forget() => _unattempted.Clear();

    /// <summary>
    /// Publishes every open tier change; the state must be durable. One not marked yet (the
    /// output was unreachable at the last write) is first marked by a write, through
    /// <paramref name="write"/>. A failure leaves them open, retried by the customer's wake-up
    /// and looked up before any re-publish. Returns true when a message changed status since
    /// the last write (the mark rides a later write: lost in a crash, the record is looked up).
    /// </summary>
    public async Task<bool> PublishOpenAsync(CustomerState state, Func<Task> write, CancellationToken cancellationToken = default)
    {
        if (!state.Outbox.HasOpenPublications())
        {
            return false;
        }

        try
        {
            if (state.Outbox.OpenPublications().Any(m => m.Status == OutboxStatus.Pending))
            {
                await write();
            }

            return await PublishSendingAsync(state, cancellationToken);
        }
        catch (Exception ex) when (ex is not InconsistentStateException)
        {
            LogPublishFailed(logger, ex.GetType().Name);
            return false;
        }
    }

    private async Task<bool> PublishSendingAsync(CustomerState state, CancellationToken cancellationToken)
    {
        var changed = false;
        foreach (var message in state.Outbox.OpenPublications().Where(m => m.Status == OutboxStatus.Sending).ToList())
        {
            // Removed before the attempt: a publish that fails may still have reached the broker.
            var firstAttempt = _unattempted.Remove(message.Id);
            if (!firstAttempt && message.ProbeFrom is { } from
                && await ContainsAsync(message, state.CustomerId, from, cancellationToken))
            {
                Finish(state, message);
                changed = true;
                continue;
            }

            if (message.SegmentChange is { } segment)
            {
                await segmentOutput.PublishAsync(
                    new SegmentChangeRecord(message.Id, state.CustomerId, segment.Segment, segment.Entered, segment.Reason, segment.At, segment.ModelVersion, segment.Historical),
                    cancellationToken);
                // Dropped once published: the topic and the memberships in the state are its
                // record, and it must not push SMS out of the customer's message log.
                state.Outbox.Remove(message);
                segmentStatistics.RecordPublished(segment.Segment, segment.Entered);
            }
            else
            {
                var notice = message.TierChange!;
                await output.PublishAsync(new TierChangeRecord(message.Id, state.CustomerId, notice.From, notice.To, notice.Reason, notice.At, notice.Historical), cancellationToken);
                var now = time.GetUtcNow();
                state.Outbox.Complete(message, OutboxStatus.Done, now);
                statistics.RecordPublished((now - message.CreatedAt).TotalSeconds);
            }

            changed = true;
        }

        return changed;
    }

    private void Finish(CustomerState state, OutboxMessage message)
    {
        if (message.Kind == OutboxKind.SegmentChange)
        {
            state.Outbox.Remove(message);
        }
        else
        {
            state.Outbox.Complete(message, OutboxStatus.Done, time.GetUtcNow());
        }
    }

    private Task<long> MarkAsync(OutboxMessage message, string customerId, CancellationToken cancellationToken) =>
        message.Kind == OutboxKind.SegmentChange ? segmentOutput.MarkAsync(customerId, cancellationToken) : output.MarkAsync(customerId, cancellationToken);

    private Task<bool> ContainsAsync(OutboxMessage message, string customerId, long from, CancellationToken cancellationToken) =>
        message.Kind == OutboxKind.SegmentChange
            ? segmentOutput.ContainsAsync(customerId, message.Id, from, cancellationToken)
            : output.ContainsAsync(customerId, message.Id, from, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing a tier or segment change failed ({ErrorType}); it stays in the outbox and is retried")]
    private static partial void LogPublishFailed(ILogger logger, string errorType);
}

using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Engine.Grains.Effects;

/// <summary>
/// Publishes one customer's open tier changes and segment changes exactly once, each to its
/// own topic; one per activation (it remembers what this activation marked and handed out).
/// Before the state holding a new change is written, <see cref="PrepareAsync"/> marks it
/// Sending with the output position to search from, so the write that makes it durable also
/// records the mark (no write of its own). Once durable it is handed to the
/// <see cref="IEffectOutlet"/>, which awaits the broker outside the customer's turn and reports
/// back (<see cref="Completed"/>). A message found Sending that this activation has not
/// prepared (the silo died mid-publish, or a publish failed) is looked up from that position
/// and only published if it is not there.
/// </summary>
public sealed partial class TierChangePublication(
    ITierChangeOutput output,
    ISegmentChangeOutput segmentOutput,
    IEffectOutlet outlet,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(EngineTime.Key)] TimeProvider time,
    LoyaltyStatistics statistics,
    SegmentStatistics segmentStatistics,
    ILogger<TierChangePublication> logger)
{
    /// <summary>
    /// A handed-out message with no answer after this long is handed out again (looked up
    /// first): the outlet answers within the effect timeout, so only a lost answer gets here.
    /// </summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(1);

    // Marked Sending by this activation and not attempted yet: the first attempt needs no look-up.
    private readonly HashSet<string> _unattempted = new(StringComparer.Ordinal);

    // In the outlet's hands, since when: not handed out twice while its answer is on the way.
    private readonly Dictionary<string, DateTimeOffset> _handedOut = new(StringComparer.Ordinal);

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

    /// <summary>
    /// The state was reloaded: what this activation marked belonged to the state it replaced.
    /// What is handed out stays so: its answer still tells whether the record is on the topic.
    /// </summary>
    public void Forget() => _unattempted.Clear();

    /// <summary>
    /// The customer deactivates: waits until every change handed out for it has the broker's
    /// answer, or <paramref name="cancellationToken"/> (the deactivation's budget) ends the
    /// wait. Until then no other activation may start: it would find a change Sending, miss on
    /// the topic a record still on its way there, and publish it a second time.
    /// </summary>
    public async Task LeaveAsync(string customerId, CancellationToken cancellationToken)
    {
        try
        {
            await outlet.PublishedAsync(customerId).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogLeftInFlight(logger);
        }
    }

    /// <summary>
    /// Hands every open tier and segment change not already in the outlet's hands to it; the
    /// state must be durable. One not marked yet (the output was unreachable at the last write)
    /// is first marked by a write, through <paramref name="write"/>. Nothing here waits for the
    /// broker: the answer comes back through <see cref="Completed"/>.
    /// </summary>
    public async Task PublishOpenAsync(CustomerState state, Func<Task> write, CancellationToken cancellationToken = default)
    {
        if (!state.Outbox.HasOpenPublications())
        {
            return;
        }

        try
        {
            if (state.Outbox.OpenPublications().Any(m => m.Status == OutboxStatus.Pending))
            {
                await write();
            }
        }
        catch (Exception ex) when (ex is not InconsistentStateException)
        {
            LogPublishFailed(logger, ex.GetType().Name);
            return;
        }

        HandOutSending(state);
    }

    private void HandOutSending(CustomerState state)
    {
        var now = time.GetUtcNow();
        foreach (var message in state.Outbox.OpenPublications())
        {
            if (message.Status != OutboxStatus.Sending
                || (_handedOut.TryGetValue(message.Id, out var handedAt) && now - handedAt < AnswerTimeout))
            {
                continue;
            }

            // Removed before the attempt: a publish that fails may still have reached the broker.
            var firstAttempt = _unattempted.Remove(message.Id);
            _handedOut[message.Id] = now;
            outlet.Submit(new EffectPublication(state.CustomerId, message.Id, firstAttempt ? null : message.ProbeFrom, TierChange(state, message), SegmentChange(state, message)));
        }
    }

    /// <summary>
    /// The outlet's answer: <paramref name="published"/> true when the topic has the record (it
    /// is then finished; returns true, the change rides a later write: lost in a crash, the
    /// record is looked up), false when that is not known (it stays open, looked up before any
    /// re-publish, retried by the customer's wake-up).
    /// </summary>
    public bool Completed(CustomerState state, string effectId, bool published)
    {
        _handedOut.Remove(effectId);
        if (!published)
        {
            LogPublishFailed(logger, "no acknowledgement");
            return false;
        }

        if (state.Outbox.Find(effectId) is not { IsOpen: true } message)
        {
            return false;
        }

        Finish(state, message);
        return true;
    }

    /// <summary>Open changes none of which is in the outlet's hands (a publish failed or was never tried): retry later.</summary>
    public bool HasWaiting(CustomerState state)
    {
        var now = time.GetUtcNow();
        return state.Outbox.OpenPublications().Any(m => !_handedOut.TryGetValue(m.Id, out var at) || now - at >= AnswerTimeout);
    }

    private static TierChangeRecord? TierChange(CustomerState state, OutboxMessage message) =>
        message.TierChange is { } notice ? new TierChangeRecord(message.Id, state.CustomerId, notice.From, notice.To, notice.Reason, notice.At, notice.Historical) : null;

    private static SegmentChangeRecord? SegmentChange(CustomerState state, OutboxMessage message) =>
        message.SegmentChange is { } segment
            ? new SegmentChangeRecord(message.Id, state.CustomerId, segment.Segment, segment.Entered, segment.Reason, segment.At, segment.ModelVersion, segment.Historical)
            : null;

    private void Finish(CustomerState state, OutboxMessage message)
    {
        if (message.SegmentChange is { } segment)
        {
            // Dropped once published: the topic and the memberships in the state are its
            // record, and it must not push SMS out of the customer's message log.
            state.Outbox.Remove(message);
            segmentStatistics.RecordPublished(segment.Segment, segment.Entered);
        }
        else
        {
            var now = time.GetUtcNow();
            state.Outbox.Complete(message, OutboxStatus.Done, now);
            statistics.RecordPublished((now - message.CreatedAt).TotalSeconds);
        }
    }

    private Task<long> MarkAsync(OutboxMessage message, string customerId, CancellationToken cancellationToken) =>
        message.Kind == OutboxKind.SegmentChange ? segmentOutput.MarkAsync(customerId, cancellationToken) : output.MarkAsync(customerId, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A customer deactivated before its tier or segment change reached the topic; its next activation may publish that change again")]
    private static partial void LogLeftInFlight(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing a tier or segment change failed ({ErrorType}); it stays in the outbox and is retried")]
    private static partial void LogPublishFailed(ILogger logger, string errorType);
}

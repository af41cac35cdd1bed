using System.Globalization;
using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Sms;
using Engine.Sms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Effects;

/// <summary>
/// A customer's side of sending SMS, over its state: which messages go to the dispatcher, the
/// one policy decision of each send attempt, the statuses a gateway's answer and its delivery
/// reports lead to, and the statistics of each. Never sends twice: a message is marked
/// Sending (the grain writes that) before the gateway is called, and one found Sending by a
/// new activation is unknown, not sent again. The grain persists and schedules what each step
/// returns.
/// </summary>
public sealed class SmsSendProtocol(
    ISmsOutlet outlet,
    SmsRenderer renderer,
    IOptions<SmsPolicyOptions> policy,
    IOptions<SmsDeliveryOptions> delivery,
    IOptions<CustomerRules> rules,
    SmsStatistics statistics,
    [FromKeyedServices(EngineTime.Key)] TimeProvider time)
{
    /// <summary>How soon a message handed out (or being sent) is looked at again if nothing settles it.</summary>
    public static readonly TimeSpan RecheckDelay = TimeSpan.FromMinutes(1);

    /// <summary>Hands every due message to the dispatcher; no decision yet. The state must be durable.</summary>
    public void HandOutDue(CustomerState state)
    {
        foreach (var message in SmsPlanning.Due(state, time.GetUtcNow()))
        {
            outlet.Submit(state.CustomerId, message.Id);
        }
    }

    /// <summary>
    /// One send attempt, the dispatcher's call right before the gateway: the policy decides now
    /// (consent, phone, points may have changed since the message was handed out) and the
    /// decision is counted once. A send is rendered and marked Sending; the grain must write
    /// that before returning the dispatch, or <see cref="Abandon"/> it.
    /// </summary>
    public SmsAttempt Begin(CustomerState state, string messageId)
    {
        var now = time.GetUtcNow();
        if (state.Outbox.Find(messageId) is not { Kind: OutboxKind.Sms, Status: OutboxStatus.Pending } message || SmsPlanning.DueAt(message) > now)
        {
            return SmsAttempt.Skipped;
        }

        var decision = SmsPlanning.DecideAttempt(state, message, now, policy.Value, rules.Value.Loyalty);
        var trigger = message.Sms!.Trigger;
        switch (decision.Outcome)
        {
            case SmsOutcome.Suppress:
                statistics.Count(trigger, "suppressed:" + decision.Reason);
                if (decision.Reason == SmsSuppressionReasons.Stale && message.Detail is { } detail)
                {
                    statistics.CountStale(trigger, detail[(detail.IndexOf(' ') + 1)..]);
                }

                return new SmsAttempt(SmsAttemptResult.Suppressed, message);
            case SmsOutcome.Defer:
                if (decision.Reason == SmsDeferReasons.QuietHours)
                {
                    statistics.Count(trigger, "deferred:quiet-hours");
                }

                return new SmsAttempt(SmsAttemptResult.Deferred, message);
        }

        SmsText text;
        try
        {
            text = renderer.Render(state, message);
        }
        catch (SmsTemplateException ex)
        {
            state.Outbox.Complete(message, OutboxStatus.Failed, now, "template: " + string.Join(",", ex.TemplateNames));
            statistics.Count(trigger, "failed");
            return new SmsAttempt(SmsAttemptResult.Failed, message);
        }

        message.Status = OutboxStatus.Sending;
        message.SentAt = now;
        message.Segments = text.Segments.Segments;
        var dispatch = new SmsDispatch(message.Id, state.CustomerId, state.Profile.Phone!, text.Text, text.Segments.Encoding == SmsEncoding.Ucs2, text.Segments.Segments, trigger);
        return new SmsAttempt(SmsAttemptResult.Sending, message, dispatch);
    }

    /// <summary>The Sending mark could not be written: the message goes back to Pending, and is handed out again.</summary>
    public void Abandon(SmsAttempt attempt)
    {
        if (attempt is { Result: SmsAttemptResult.Sending, Message: { } message })
        {
            message.Status = OutboxStatus.Pending;
            message.SentAt = null;
        }
    }

    /// <summary>
    /// Records the gateway's answer to a message being sent (or left unknown by a crash):
    /// accepted → Done, rejected → Failed, transient → Pending again after a jittered backoff
    /// (Failed once out of attempts), no answer → Unknown. Returns whether it changed the
    /// state; the grain writes that at once, so a retry survives a crash.
    /// </summary>
    public bool Complete(CustomerState state, string messageId, SmsSendOutcome outcome)
    {
        var now = time.GetUtcNow();
        if (state.Outbox.Find(messageId) is not { Kind: OutboxKind.Sms } message || message.Status is not (OutboxStatus.Sending or OutboxStatus.Unknown))
        {
            return false;
        }

        var trigger = message.Sms!.Trigger;
        switch (outcome.Status)
        {
            case SmsSendStatus.Accepted or SmsSendStatus.Queued:
                state.Outbox.Complete(message, OutboxStatus.Done, now, outcome.GatewayMessageId ?? $"accepted by {outcome.Gateway}");
                message.Delivery ??= outcome.Status == SmsSendStatus.Queued ? SmsDeliveryState.Queued : SmsDeliveryState.Sent;
                statistics.Count(trigger, "sent");
                statistics.RecordSent(message.Segments, (now - message.CreatedAt).TotalSeconds);
                break;
            case SmsSendStatus.Rejected:
                state.Outbox.Complete(message, OutboxStatus.Failed, now, outcome.Detail);
                statistics.Count(trigger, "failed");
                break;
            case SmsSendStatus.OutcomeUnknown:
                state.Outbox.Complete(message, OutboxStatus.Unknown, now, outcome.Detail);
                statistics.Count(trigger, "unknown");
                break;
            default:
                var options = delivery.Value;
                SmsPlanning.RetryLater(state, message, now, options.MaxAttempts, options.FirstRetryDelay, options.MaxRetryDelay, Random.Shared.NextDouble(), outcome.Detail);
                statistics.Count(trigger, message.Status == OutboxStatus.Failed ? "failed" : "retried");
                break;
        }

        return true;
    }

    /// <summary>
    /// Records a delivery report; reports can arrive out of order (a retried "sent" after
    /// "delivered") and never move a message backwards. A report about a message left Unknown
    /// tells that it went out: Done. Returns whether it changed the state.
    /// </summary>
    public bool RecordDelivery(CustomerState state, string messageId, SmsDeliveryReport report)
    {
        if (state.Outbox.Find(messageId) is not { Kind: OutboxKind.Sms } message || !SmsDeliveryStates.Advances(message.Delivery, report.State))
        {
            return false;
        }

        message.Delivery = report.State;
        message.DeliveryAt = report.At;
        if (message.Status == OutboxStatus.Unknown)
        {
            state.Outbox.Complete(message, OutboxStatus.Done, report.At);
        }

        if (report.State is SmsDeliveryState.Delivered or SmsDeliveryState.Failed)
        {
            statistics.Count(message.Sms!.Trigger, report.State == SmsDeliveryState.Delivered ? "delivered" : "failed");
        }

        return true;
    }

    /// <summary>
    /// Marks the messages an earlier activation left Sending as Unknown: they may or may not
    /// have gone out, and are not sent again. Returns how many.
    /// </summary>
    public int MarkInterruptedSendsUnknown(CustomerState state)
    {
        var now = time.GetUtcNow();
        var interrupted = state.Outbox.Open(OutboxKind.Sms).Where(m => m.Status == OutboxStatus.Sending).ToList();
        foreach (var message in interrupted)
        {
            state.Outbox.Complete(message, OutboxStatus.Unknown, now, "interrupted while sending");
            statistics.Count(message.Sms!.Trigger, "unknown");
        }

        return interrupted.Count;
    }

    /// <summary>When the customer's SMS need another look: the next deferred due time, or soon if one is handed out or being sent.</summary>
    public DateTimeOffset? NextCheck(CustomerState state, DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var message in state.Outbox.Open(OutboxKind.Sms))
        {
            var due = message.Status == OutboxStatus.Pending ? SmsPlanning.DueAt(message) : now;
            var check = due > now ? due : now + RecheckDelay;
            next = next is { } n && n < check ? n : check;
        }

        return next;
    }

    /// <summary>Queues an admin's test message for the named template; returns its id.</summary>
    /// <exception cref="ArgumentException">No template has that trigger.</exception>
    public string QueueTest(CustomerState state, string trigger)
    {
        if (!SmsTriggers.TryParseKey(trigger, out _))
        {
            throw new ArgumentException($"unknown SMS template trigger '{trigger}'", nameof(trigger));
        }

        var now = time.GetUtcNow();
        var id = $"{state.CustomerId}:{SmsPlanning.TestTrigger}:{now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}";
        SmsPlanning.Queue(state, id, SmsPlanning.TestTrigger, now, transactional: true, new Dictionary<string, string> { ["template"] = trigger });
        return id;
    }
}

/// <summary>What a send attempt came to.</summary>
public enum SmsAttemptResult
{
    /// <summary>Not an SMS pending and due (already sent, settled, or handed out twice): nothing changed.</summary>
    Skipped,
    /// <summary>The policy said no; rides the write-behind.</summary>
    Suppressed,
    /// <summary>The policy said later (quiet hours); rides the write-behind, and the wake-up must be set.</summary>
    Deferred,
    /// <summary>The template cannot render it; rides the write-behind.</summary>
    Failed,
    /// <summary>Marked Sending: written at once, then the dispatch goes to the gateway.</summary>
    Sending,
}

/// <summary>One send attempt: what it came to, the message, and (when Sending) what the gateway gets.</summary>
public sealed record SmsAttempt(SmsAttemptResult Result, OutboxMessage? Message = null, SmsDispatch? Dispatch = null)
{
    public static SmsAttempt Skipped { get; } = new(SmsAttemptResult.Skipped);
}

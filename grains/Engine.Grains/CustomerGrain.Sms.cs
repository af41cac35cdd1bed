using System.Globalization;
using Engine.Contracts;
using Engine.Domain.Effects;
using Engine.Domain.Sms;
using Engine.Sms;
using Microsoft.Extensions.Logging;

namespace Engine.Grains;

/// <summary>The customer's SMS: decided by <see cref="SmsPlanning"/>, sent through the silo's outlet, never twice.</summary>
public sealed partial class CustomerGrain
{
    private static readonly TimeSpan SmsRecheckDelay = TimeSpan.FromMinutes(1);

    public async Task<SmsDispatch?> BeginSmsSendAsync(string messageId)
    {
        var state = customer.State;
        var now = time.GetUtcNow();
        if (state.Outbox.Find(messageId) is not { Kind: OutboxKind.Sms, Status: OutboxStatus.Pending } message || SmsPlanning.DueAt(message) > now)
        {
            return null;
        }

        // Decided again at the last moment: consent or staleness may have changed since it was queued.
        var decision = SmsPlanning.Decide(state, message, now, smsPolicy.Value);
        ObserveDecision(message, decision);
        if (decision.Outcome == SmsOutcome.Suppress)
        {
            state.Outbox.Complete(message, OutboxStatus.Suppressed, now, decision.Reason);
            MarkChanged();
            return null;
        }

        if (decision.Outcome == SmsOutcome.Defer)
        {
            message.DueAt = decision.At;
            MarkChanged();
            await ScheduleWakeUpAsync();
            return null;
        }

        var trigger = SmsPlanning.TriggerOf(message);
        SmsText text;
        try
        {
            text = Render(message, trigger);
        }
        catch (SmsTemplateException ex)
        {
            state.Outbox.Complete(message, OutboxStatus.Failed, now, "template: " + string.Join(",", ex.TemplateNames));
            smsStatistics.Count(message.Sms!.Trigger, "failed");
            MarkChanged();
            return null;
        }

        // Sending is durable before the gateway is called: after a crash this message is
        // marked unknown, never sent again.
        message.Status = OutboxStatus.Sending;
        message.SentAt = now;
        message.Segments = text.Segments.Segments;
        _unsaved.Changed(now);
        try
        {
            await SaveAsync();
        }
        catch (Exception ex)
        {
            message.Status = OutboxStatus.Pending;
            message.SentAt = null;
            LogSmsNotMarked(ex.GetType().Name);
            ArmWriteTimer();
            return null;
        }

        return new SmsDispatch(message.Id, state.CustomerId, state.Profile.Phone!, text.Text, text.Segments.Encoding == SmsEncoding.Ucs2, text.Segments.Segments, message.Sms!.Trigger);
    }

    public async Task CompleteSmsSendAsync(string messageId, SmsSendOutcome outcome)
    {
        var state = customer.State;
        var now = time.GetUtcNow();
        if (state.Outbox.Find(messageId) is not { Kind: OutboxKind.Sms } message || message.Status is not (OutboxStatus.Sending or OutboxStatus.Unknown))
        {
            return;
        }

        var trigger = message.Sms!.Trigger;
        switch (outcome.Status)
        {
            case SmsSendStatus.Accepted or SmsSendStatus.Queued:
                state.Outbox.Complete(message, OutboxStatus.Done, now, outcome.GatewayMessageId ?? $"accepted by {outcome.Gateway}");
                message.Delivery ??= outcome.Status == SmsSendStatus.Queued ? SmsDeliveryState.Queued : SmsDeliveryState.Sent;
                smsStatistics.Count(trigger, "sent");
                smsStatistics.RecordSent(message.Segments, (now - message.CreatedAt).TotalSeconds);
                break;
            case SmsSendStatus.Rejected:
                state.Outbox.Complete(message, OutboxStatus.Failed, now, outcome.Detail);
                smsStatistics.Count(trigger, "failed");
                break;
            case SmsSendStatus.OutcomeUnknown:
                state.Outbox.Complete(message, OutboxStatus.Unknown, now, outcome.Detail);
                smsStatistics.Count(trigger, "unknown");
                break;
            default:
                var options = smsDelivery.Value;
                SmsPlanning.RetryLater(state, message, now, options.MaxAttempts, options.FirstRetryDelay, options.MaxRetryDelay, Random.Shared.NextDouble(), outcome.Detail);
                smsStatistics.Count(trigger, message.Status == OutboxStatus.Failed ? "failed" : "retried");
                break;
        }

        // Written at once: a retry must survive a crash, and an outcome lost in one would leave
        // a message that went out reading unknown (only a send in a worker's hands when the
        // silo dies may be unknown). Sends are few (caps), and this write shares its commit
        // with whatever other customers write at the same moment.
        _unsaved.Changed(now);
        await TrySaveAsync(rethrowConflict: false);
        await ScheduleWakeUpAsync();
    }

    /// <summary>A change that rides the write-behind: the timer writes it when the policy says.</summary>
    private void MarkChanged()
    {
        _unsaved.Changed(time.GetUtcNow());
        ArmWriteTimer();
    }

    public Task RecordSmsDeliveryAsync(string messageId, SmsDeliveryReport report)
    {
        if (customer.State.Outbox.Find(messageId) is not { Kind: OutboxKind.Sms } message)
        {
            return Task.CompletedTask;
        }

        // Reports can arrive out of order (a retried "sent" after "delivered"): never go backwards.
        if (SmsDeliveryStates.Advances(message.Delivery, report.State))
        {
            message.Delivery = report.State;
            message.DeliveryAt = report.At;
            if (message.Status == OutboxStatus.Unknown)
            {
                // The gateway tells us the interrupted send did go out.
                customer.State.Outbox.Complete(message, OutboxStatus.Done, report.At);
            }

            if (report.State is SmsDeliveryState.Delivered or SmsDeliveryState.Failed)
            {
                smsStatistics.Count(message.Sms!.Trigger, report.State == SmsDeliveryState.Delivered ? "delivered" : "failed");
            }

            MarkChanged();
        }

        return Task.CompletedTask;
    }

    public async Task ReceiveSmsAsync(InboundSms message)
    {
        if (!SmsPlanning.Receive(customer.State, message.GatewayMessageId, message.Text, message.ReceivedAt))
        {
            return;
        }

        _unsaved.Changed(time.GetUtcNow());
        await TrySaveAsync(rethrowConflict: false);
        await SettleAsync();
    }

    public async Task SetSmsConsentAsync(bool optedIn, string source)
    {
        SmsPlanning.SetConsent(customer.State, optedIn, source, time.GetUtcNow());
        _unsaved.Changed(time.GetUtcNow());
        await TrySaveAsync(rethrowConflict: false);
        await SettleAsync();
    }

    public async Task<string> SendTestSmsAsync(string trigger)
    {
        var state = customer.State;
        if (!SmsTriggers.TryParseKey(trigger, out _))
        {
            throw new ArgumentException($"unknown SMS template trigger '{trigger}'", nameof(trigger));
        }

        var now = time.GetUtcNow();
        var id = $"{state.CustomerId}:{SmsPlanning.TestTrigger}:{now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}";
        SmsPlanning.Queue(state, id, SmsPlanning.TestTrigger, now, transactional: true, new Dictionary<string, string> { ["template"] = trigger });
        _unsaved.Changed(time.GetUtcNow());
        await TrySaveAsync(rethrowConflict: false);
        await SettleAsync();
        return id;
    }

    /// <summary>Decides what is due and hands what goes now to the outlet; state must be durable.</summary>
    private void HandOutDueSms()
    {
        var state = customer.State;
        var before = state.Outbox.Messages.Count(m => m.IsOpen);
        var send = SmsPlanning.DecideDue(state, time.GetUtcNow(), smsPolicy.Value, ObserveDecision);
        if (state.Outbox.Messages.Count(m => m.IsOpen) != before || send.Count > 0)
        {
            MarkChanged();
        }

        foreach (var id in send)
        {
            smsOutlet.Submit(state.CustomerId, id);
        }
    }

    /// <summary>When pending SMS need another look: the next deferred due time, or soon if one is waiting to go.</summary>
    private DateTimeOffset? NextSmsCheck(DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var message in customer.State.Outbox.Open(OutboxKind.Sms))
        {
            var due = message.Status == OutboxStatus.Pending ? SmsPlanning.DueAt(message) : now;
            var check = due > now ? due : now + SmsRecheckDelay;
            next = next is { } n && n < check ? n : check;
        }

        return next;
    }

    /// <summary>A message left Sending by an earlier activation may or may not have gone out: it is not sent again.</summary>
    private void MarkInterruptedSendsUnknown()
    {
        var now = time.GetUtcNow();
        foreach (var message in customer.State.Outbox.Open(OutboxKind.Sms).Where(m => m.Status == OutboxStatus.Sending).ToList())
        {
            customer.State.Outbox.Complete(message, OutboxStatus.Unknown, now, "interrupted while sending");
            smsStatistics.Count(message.Sms!.Trigger, "unknown");
            MarkChanged();
        }
    }

    private async Task UpdatePhoneDirectoryAsync()
    {
        var state = customer.State;
        var phone = state.Profile.Phone;
        if (phone == state.DirectoryPhone)
        {
            return;
        }

        try
        {
            if (state.DirectoryPhone is { } old)
            {
                await GrainFactory.GetGrain<IPhoneDirectoryGrain>(old).ReleaseAsync(state.CustomerId);
            }

            if (phone is not null)
            {
                await GrainFactory.GetGrain<IPhoneDirectoryGrain>(phone).ClaimAsync(state.CustomerId);
            }

            state.DirectoryPhone = phone;
            MarkChanged();
        }
        catch (Exception ex)
        {
            LogDirectoryFailed(ex.GetType().Name);
        }
    }

    private void ObserveDecision(OutboxMessage message, SmsDecision decision)
    {
        var trigger = message.Sms!.Trigger;
        switch (decision.Outcome)
        {
            case SmsOutcome.Suppress:
                smsStatistics.Count(trigger, "suppressed:" + decision.Reason);
                break;
            case SmsOutcome.Defer when decision.Reason == SmsDeferReasons.QuietHours:
                smsStatistics.Count(trigger, "deferred:quiet-hours");
                break;
        }
    }

    private SmsText Render(OutboxMessage message, SmsTrigger trigger)
    {
        var state = customer.State;
        var data = message.Sms!.Data;
        var policy = smsPolicy.Value;
        var template = trigger;
        if (trigger == SmsTrigger.Test && SmsTriggers.TryParseKey(data.GetValueOrDefault("template"), out var named))
        {
            template = named;
        }

        var model = new SmsTemplateModel
        {
            FirstName = state.Profile.FirstName,
            Tier = data.GetValueOrDefault("tier") ?? state.Loyalty.Tier,
            Points = long.TryParse(data.GetValueOrDefault("points"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var points) ? points : state.Loyalty.Balance,
            ExpiryDate = DateTimeOffset.TryParse(data.GetValueOrDefault("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires) ? DateOnly.FromDateTime(expires.UtcDateTime) : null,
            CartLines = [.. state.Cart.Lines.Select(l => new SmsCartLine(l.Name ?? l.Sku, l.Quantity))],
            CartValue = state.Cart.Value,
            Currency = _rules.BaseCurrency,
            Link = smsDelivery.Value.Link,
            HelpText = policy.HelpText,
            ReplyText = policy.ReplyTextFor(template),
        };
        return smsTemplates.Render(template, state.Profile.Locale, model);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not mark an SMS as sending ({ErrorType}); it stays pending")]
    private partial void LogSmsNotMarked(string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Updating the phone directory failed ({ErrorType}); retried on the next change")]
    private partial void LogDirectoryFailed(string errorType);
}

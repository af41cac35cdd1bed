using Engine.Contracts;
using Engine.Domain.Effects;
using Engine.Domain.Sms;
using Engine.Grains.Effects;
using Microsoft.Extensions.Logging;

namespace Engine.Grains;

/// <summary>
/// The customer's SMS calls: <see cref="SmsSendProtocol"/> decides, sets statuses and counts;
/// the grain writes and schedules what it returns.
/// </summary>
public sealed partial class CustomerGrain
{
    public async Task<SmsDispatch?> BeginSmsSendAsync(string messageId)
    {
        var attempt = sms.Begin(State, messageId);
        switch (attempt.Result)
        {
            case SmsAttemptResult.Sending:
                return await MarkSendingAsync(attempt);
            case SmsAttemptResult.Deferred:
                MarkChanged();
                await ScheduleWakeUpAsync();
                break;
            case SmsAttemptResult.Suppressed or SmsAttemptResult.Failed:
                MarkChanged();
                break;
        }

        return null;
    }

    public async Task CompleteSmsSendAsync(string messageId, SmsSendOutcome outcome)
    {
        if (!sms.Complete(State, messageId, outcome))
        {
            return;
        }

        var cartSent = cart.SendSettled(State, messageId);

        // Written at once: a retry must survive a crash, and an outcome lost in one would leave
        // a message that went out reading unknown (only a send in a worker's hands when the
        // silo dies may be unknown). Sends are few (caps), and this write shares its commit
        // with whatever other customers write at the same moment.
        Unsaved.Changed(time.GetUtcNow());
        await _store.TryWriteAsync(rethrowConflict: false);
        if (cartSent && !Unsaved.Any && await cart.HandOutTalliesAsync(State, GrainFactory))
        {
            MarkChanged();
        }

        await ScheduleWakeUpAsync();
    }

    public Task RecordSmsDeliveryAsync(string messageId, SmsDeliveryReport report)
    {
        if (sms.RecordDelivery(State, messageId, report))
        {
            MarkChanged();
        }

        return Task.CompletedTask;
    }

    public async Task ReceiveFromNumberAsync(string numberKey, NumberInstruction instruction)
    {
        // Handed on just after this customer moved to another number: the old number's consent is not its own any more.
        if (State.ClaimedNumber is not { } claimed || numberKeys.KeyOf(claimed) != numberKey)
        {
            return;
        }

        // A repeat still writes what an earlier, failed write left in memory: the gateway's
        // retry only stops once the customer's consent is durable.
        if (SmsPlanning.ReceiveFromNumber(State, instruction) || Unsaved.Any)
        {
            Unsaved.Changed(time.GetUtcNow());
            await _store.WriteAsync();
            await SettleAsync();
        }
    }

    public Task SetSmsConsentAsync(bool optedIn, string source)
    {
        SmsPlanning.SetConsent(State, optedIn, source, time.GetUtcNow());
        return WriteNowAndSettleAsync();
    }

    public async Task<string> SendTestSmsAsync(string trigger)
    {
        var id = sms.QueueTest(State, trigger);
        await WriteNowAndSettleAsync();
        return id;
    }

    /// <summary>
    /// Sending is durable before the gateway is called: after a crash the message is marked
    /// unknown, never sent again. If that write fails it goes back to pending.
    /// </summary>
    private async Task<SmsDispatch?> MarkSendingAsync(SmsAttempt attempt)
    {
        Unsaved.Changed(time.GetUtcNow());
        try
        {
            await _store.WriteAsync();
            return attempt.Dispatch;
        }
        catch (Exception ex)
        {
            sms.Abandon(attempt);
            LogSmsNotMarked(ex.GetType().Name);
            ArmWriteTimer();
            return null;
        }
    }

    /// <summary>A consent change, an inbound keyword or a test message: written at once, then what it queued is handed out.</summary>
    private async Task WriteNowAndSettleAsync()
    {
        Unsaved.Changed(time.GetUtcNow());
        await _store.TryWriteAsync(rethrowConflict: false);
        await SettleAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not mark an SMS as sending ({ErrorType}); it stays pending")]
    private partial void LogSmsNotMarked(string errorType);
}

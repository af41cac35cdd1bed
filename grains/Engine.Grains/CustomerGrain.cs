using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Loyalty;
using Engine.Domain.Processing;
using Engine.Grains.Effects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Engine.Grains;

/// <summary>
/// A customer. Thin by design: it checks the batch continues where this activation left
/// off, hands each event to <see cref="CustomerState.Apply"/>, records the effects the rules
/// decided, and decides when to write. Effects leave only after the state holding them is
/// durable; a durable reminder wakes the grain for time-driven work (expiring points,
/// re-qualification) even when no event arrives.
/// </summary>
public sealed partial class CustomerGrain(
    [PersistentState("customer", StorageNames.Customers)] IPersistentState<CustomerState> customer,
    IOptions<CustomerRules> rules,
    IOptions<WriteBehindOptions> writeBehind,
    [FromKeyedServices(EngineTime.Key)] TimeProvider time,
    CustomerStateWrites writes,
    LoyaltyStatistics loyaltyStatistics,
    TierChangePublication tierChanges,
    ISmsOutlet smsOutlet,
    Engine.Sms.SmsTemplates smsTemplates,
    IOptions<Engine.Domain.Sms.SmsPolicyOptions> smsPolicy,
    IOptions<SmsDeliveryOptions> smsDelivery,
    SmsStatistics smsStatistics,
    ISiloStatusOracle silo,
    ILogger<CustomerGrain> logger) : Grain, ICustomerGrain, IRemindable
{
    private const string WakeUpReminder = "wake-up";
    private static readonly TimeSpan PublishRetryDelay = TimeSpan.FromMinutes(1);

    private readonly CustomerRules _rules = rules.Value;
    private readonly HashSet<string> _unattemptedPublications = new(StringComparer.Ordinal);
    private readonly UnsavedChanges _unsaved = new(writeBehind.Value.Limits);
    private Dictionary<string, long> _durableWatermarks = new(StringComparer.Ordinal);

    // The grain's own write-behind timer, set for the moment the policy says the write is due.
    private IGrainTimer? _writeTimer;
    private DateTimeOffset? _writeTimerAt;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (customer.State.CustomerId.Length == 0)
        {
            customer.State.CustomerId = this.GetPrimaryKeyString();
        }

        _durableWatermarks = new Dictionary<string, long>(customer.State.Progress.Watermarks, StringComparer.Ordinal);
        loyaltyStatistics.Enter(customer.State.Loyalty.Tier);
        MarkInterruptedSendsUnknown();
        if (customer.State.Outbox.HasOpen(OutboxKind.TierChange))
        {
            // Left open by an earlier activation (it may have died mid-publish): settle it soon,
            // outside activation.
            this.RegisterGrainTimer(PublishOpenEffectsAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        loyaltyStatistics.Leave(customer.State.Loyalty.Tier);
        if (!_unsaved.Any)
        {
            return;
        }

        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && _unsaved.Events > 0)
        {
            // Events still unsaved now are ones the final checkpoint did not make durable (it
            // ran out of time or storage failed), so their offsets were not committed: they are
            // re-delivered at the next start, as after a crash. Writing them now would only
            // overrun the silo's stop as the checkpoint did.
            LogLeftForRedelivery(_unsaved.Events);
            return;
        }

        try
        {
            await SaveAsync();
        }
        catch (Exception ex)
        {
            // Nothing is lost: the offsets behind these events were not committed, and the
            // next activation's watermark tells the ingestion to re-deliver them.
            LogDeactivationWriteFailed(ex.GetType().Name, _unsaved.Count);
        }
    }

    public async Task<ApplyReport> ApplyAsync(EventBatch batch)
    {
        var gaps = FindGaps(batch);
        if (gaps.Count > 0)
        {
            return new ApplyReport(0, 0, [], gaps);
        }

        var state = customer.State;
        var before = LoyaltyTotals.Of(state.Loyalty);
        int applied = 0, duplicates = 0, changed = 0;
        List<EventRejection>? rejections = null;
        foreach (var sequenced in batch.Events)
        {
            var watermark = state.Progress.WatermarkOf(sequenced.Position.Stream);
            var outcome = state.Apply(sequenced, _rules);
            if (state.Progress.WatermarkOf(sequenced.Position.Stream) != watermark)
            {
                changed++;
            }

            switch (outcome.Status)
            {
                case ApplyStatus.Applied:
                    applied++;
                    break;
                case ApplyStatus.Duplicate:
                    duplicates++;
                    break;
                case ApplyStatus.Rejected:
                    (rejections ??= []).Add(new EventRejection(sequenced.Position, sequenced.Event.EventId, outcome.Reason!));
                    break;
            }
        }

        var now = time.GetUtcNow();
        _unsaved.EventsApplied(changed, now);
        RecordEffects(before);
        if (_unsaved.IsWriteDue(now))
        {
            // An effect leaves only once written; a conflict is the ingestion's to see (it rewinds).
            await TrySaveAsync(rethrowConflict: true);
        }

        await SettleAsync();
        ArmWriteTimer();
        return new ApplyReport(applied, duplicates, rejections ?? [], []);
    }

    public async Task<FlushReport> FlushAsync()
    {
        if (_unsaved.Any)
        {
            try
            {
                await SaveAsync();
            }
            catch (InconsistentStateException)
            {
                // Reloaded: the durable watermarks below tell the ingestion what to re-deliver.
            }
        }

        await SettleAsync();
        return Report();
    }

    public async Task<FlushReport> CheckpointAsync()
    {
        // The grain writes on its own timer; a checkpoint that finds the write due (the timer
        // not yet run) writes now, so the commit need not wait for the next checkpoint.
        if (_unsaved.IsWriteDue(time.GetUtcNow()))
        {
            return await FlushAsync();
        }

        return Report();
    }

    private FlushReport Report() => new(
        new Dictionary<string, long>(_durableWatermarks, StringComparer.Ordinal),
        new Dictionary<string, long>(customer.State.Progress.Watermarks, StringComparer.Ordinal));

    public async Task AdvanceAsync()
    {
        var state = customer.State;
        var before = LoyaltyTotals.Of(state.Loyalty);
        var now = time.GetUtcNow();
        state.AdvanceTo(now, _rules);
        if (RecordEffects(before) == 0 && LoyaltyTotals.Of(state.Loyalty) != before)
        {
            _unsaved.Changed(now);
        }

        // What the clock decided leaves once written, as the effects of events do.
        await WriteWhenDueAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => AdvanceAsync();

    public Task<CustomerView> GetViewAsync()
    {
        var now = time.GetUtcNow();
        var state = customer.State;
        return Task.FromResult(new CustomerView(
            state,
            now,
            state.Value.RollingSpend(now, _rules.RollingWindowDays),
            state.Value.RecencyDays(now),
            state.Engagement.ScoreAt(now, _rules.Engagement),
            _unsaved.Any,
            TierProgress.For(state, now, _rules)));
    }

    /// <summary>Turns the rules' effects into outbox messages; returns how many changed.</summary>
    private int RecordEffects(LoyaltyTotals before)
    {
        var state = customer.State;
        var effects = state.TakeLoyaltyEffects();
        loyaltyStatistics.Record(before, LoyaltyTotals.Of(state.Loyalty), effects);
        var now = time.GetUtcNow();
        var changes = CustomerNotifications.Record(state, effects, now, _rules.Loyalty);
        _unsaved.EffectsDecided(changes, now);
        return changes;
    }

    /// <summary>
    /// Once the state is durable: hands out what is open, then sets the wake-up for what is
    /// due later. Before that there is nothing to do: the write that makes it durable (a
    /// checkpoint's flush) settles again.
    /// </summary>
    private async Task SettleAsync()
    {
        if (_unsaved.Any)
        {
            return;
        }

        await PublishOpenEffectsAsync(CancellationToken.None);
        HandOutDueSms();
        await UpdatePhoneDirectoryAsync();
        await ScheduleWakeUpAsync();
    }

    private async Task PublishOpenEffectsAsync(CancellationToken cancellationToken)
    {
        var state = customer.State;
        if (!state.Outbox.HasOpen(OutboxKind.TierChange))
        {
            return;
        }

        try
        {
            if (state.Outbox.Open(OutboxKind.TierChange).Any(m => m.Status == OutboxStatus.Pending))
            {
                // Not prepared by the last write (the output was unreachable): this write prepares them.
                await SaveAsync();
            }

            if (await tierChanges.PublishOpenAsync(state.CustomerId, state.Outbox, _unattemptedPublications, cancellationToken))
            {
                // The publication's mark rides a later write: lost in a crash, the record is looked up before any re-publish.
                _unsaved.Changed(time.GetUtcNow());
            }
        }
        catch (Exception ex) when (ex is not InconsistentStateException)
        {
            // Stays open: retried by the wake-up reminder, and looked up before any re-publish.
            LogPublishFailed(ex.GetType().Name);
        }
    }

    private async Task ScheduleWakeUpAsync()
    {
        var state = customer.State;
        var now = time.GetUtcNow();
        var next = state.NextLoyaltyDueAt(_rules);
        if (next is { } due && due <= now)
        {
            await AdvanceAsync();
            return;
        }

        if (state.Outbox.HasOpen(OutboxKind.TierChange))
        {
            // Still open after settling: the publish failed.
            var retry = now + PublishRetryDelay;
            next = next is { } n && n < retry ? n : retry;
        }

        if (NextSmsCheck(now) is { } sms)
        {
            next = next is { } n && n < sms ? n : sms;
        }

        var change = WakeUpSchedule.Decide(state.WakeUpAt, next, state.Outbox.Messages.Any(m => m.IsOpen), now);
        if (change.Action == WakeUpAction.Keep)
        {
            return;
        }

        if (silo.CurrentStatus.IsTerminating())
        {
            // The reminder service stops with the silo. WakeUpAt keeps what is registered: the
            // reminder that woke the customer now (or its next event) brings it back to schedule.
            return;
        }

        try
        {
            if (change.Action == WakeUpAction.Register)
            {
                await this.RegisterOrUpdateReminder(WakeUpReminder, change.At!.Value - now, change.Period);
            }
            else if (await this.GetReminder(WakeUpReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            // Not a change that needs a write of its own: registrations only move earlier (or
            // replace one that has fired), so a WakeUpAt lost in a crash is never later than
            // the reminder that is really registered.
            state.WakeUpAt = change.At;
        }
        catch (Exception ex) when (ex is not InconsistentStateException)
        {
            // Tried again after the next change; the period of an existing reminder still fires.
            LogWakeUpFailed(ex.GetType().Name);
        }
    }

    private List<string> FindGaps(EventBatch batch)
    {
        var gaps = new List<string>();
        if (batch.ExpectedWatermarks is { } expected)
        {
            foreach (var (stream, offset) in expected)
            {
                if (customer.State.Progress.WatermarkOf(stream) < offset)
                {
                    gaps.Add(stream);
                }
            }
        }

        return gaps;
    }

    private async Task TrySaveAsync(bool rethrowConflict)
    {
        try
        {
            await SaveAsync();
        }
        catch (InconsistentStateException) when (rethrowConflict)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Applied in memory; the next checkpoint's flush retries the write and holds back
            // the commit (and any effect) until it succeeds.
            LogEarlyWriteFailed(ex.GetType().Name);
        }
    }

    private async Task SaveAsync()
    {
        await PrepareTierChangesAsync();
        try
        {
            await customer.WriteStateAsync();
            writes.RecordSuccess();
        }
        catch (InconsistentStateException)
        {
            writes.RecordFailure();
            // Another activation wrote since we read (a rebalance moved this customer).
            // Our in-memory events are not durable: reload, and the next batch's expected
            // watermark (or the checkpoint) shows the gap so the ingestion re-delivers them.
            LogConcurrentWriter();
            loyaltyStatistics.Leave(customer.State.Loyalty.Tier);
            await customer.ReadStateAsync();
            _unattemptedPublications.Clear();
            loyaltyStatistics.Enter(customer.State.Loyalty.Tier);
            _durableWatermarks = new Dictionary<string, long>(customer.State.Progress.Watermarks, StringComparer.Ordinal);
            _unsaved.Written();
            throw;
        }
        catch
        {
            writes.RecordFailure();
            throw;
        }

        _durableWatermarks = new Dictionary<string, long>(customer.State.Progress.Watermarks, StringComparer.Ordinal);
        _unsaved.Written();
    }

    /// <summary>Writes if the policy says so (then hands out what is open), else sets the timer for when it will.</summary>
    private async Task WriteWhenDueAsync()
    {
        if (_unsaved.IsWriteDue(time.GetUtcNow()))
        {
            await TrySaveAsync(rethrowConflict: false);
        }

        await SettleAsync();
        ArmWriteTimer();
    }

    /// <summary>Sets the write-behind timer for the policy's due time, unless it is already set as early.</summary>
    private void ArmWriteTimer()
    {
        if (_unsaved.WriteDueAt() is not { } due || (_writeTimerAt is { } armed && armed <= due))
        {
            return;
        }

        var delay = due - time.GetUtcNow();
        delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        _writeTimerAt = due;
        if (_writeTimer is null)
        {
            _writeTimer = this.RegisterGrainTimer(static (grain, _) => grain.OnWriteTimerAsync(), this, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan));
        }
        else
        {
            _writeTimer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private Task OnWriteTimerAsync()
    {
        _writeTimerAt = null;
        return WriteWhenDueAsync();
    }

    /// <summary>Marks new tier changes for publication, so the write about to happen records the mark.</summary>
    private async Task PrepareTierChangesAsync()
    {
        try
        {
            await tierChanges.PrepareAsync(customer.State.CustomerId, customer.State.Outbox, _unattemptedPublications);
        }
        catch (Exception ex)
        {
            // The state is written all the same; the tier change stays pending and the next
            // settle writes again to prepare it.
            LogPublishFailed(ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Customer state write on deactivation failed ({ErrorType}); {UnsavedChanges} changes will be re-delivered")]
    private partial void LogDeactivationWriteFailed(string errorType, int unsavedChanges);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Silo stopping: {UnsavedEvents} unsaved events left for re-delivery at the next start")]
    private partial void LogLeftForRedelivery(int unsavedEvents);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Early customer state write failed ({ErrorType}); will retry at the next checkpoint")]
    private partial void LogEarlyWriteFailed(string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Customer state was written by another activation; reloaded from storage")]
    private partial void LogConcurrentWriter();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing a tier change failed ({ErrorType}); it stays in the outbox and is retried")]
    private partial void LogPublishFailed(string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduling the customer's wake-up reminder failed ({ErrorType})")]
    private partial void LogWakeUpFailed(string errorType);
}

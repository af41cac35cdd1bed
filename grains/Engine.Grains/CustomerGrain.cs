using Engine.Contracts;
using Engine.Domain.Segments;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Loyalty;
using Engine.Domain.Processing;
using Engine.Grains.Customers;
using Engine.Grains.Effects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Grains;

/// <summary>
/// A customer. Thin by design: it applies each batch of events through the rules, records the
/// effects they decide, and calls its parts: the store (writes, durable watermarks, reload
/// after a concurrent writer) under the write-behind policy and the grain's own timer, the
/// tier-change publication, the SMS send protocol, the suppression list and the wake-up
/// scheduler. Effects leave only after the state holding them is durable; a durable reminder
/// wakes the grain for time-driven work even when no event arrives.
/// </summary>
public sealed partial class CustomerGrain(
    [PersistentState("customer", StorageNames.Customers)] IPersistentState<CustomerState> customer,
    IOptions<CustomerRules> rules,
    IOptions<WriteBehindOptions> writeBehind,
    [FromKeyedServices(EngineTime.Key)] TimeProvider time,
    CustomerStateWrites writes,
    LoyaltyStatistics loyaltyStatistics,
    TierChangePublication tierChanges,
    SmsSendProtocol sms,
    CartAbandonmentTrigger cart,
    NumberKeys numberKeys,
    SegmentEvaluation segments,
    ISiloStatusOracle silo,
    Orleans.Serialization.DeepCopier<CustomerState> copier,
    ILogger<CustomerGrain> logger) : Grain, ICustomerGrain, IRemindable, IWakeUpReminder
{
    private const string WakeUpReminder = "wake-up";

    // At least a second, so a cart step the rules leave due (a tally waiting for the ledger) cannot spin.
    private static readonly TimeSpan MinimumCartTimerDelay = TimeSpan.FromSeconds(1);

    private readonly CustomerRules _rules = rules.Value;
    private readonly CustomerStore _store = new(customer, writeBehind.Value.Limits, tierChanges, segments, writes, loyaltyStatistics, logger);
    private readonly WakeUpScheduler _wakeUp = new(logger);

    // The grain's own write-behind timer, set for the moment the policy says the write is due.
    private readonly OneShotTimer _writeTimer = new();

    // While changes are unsaved the durable reminder waits for the write; a cart step due before
    // the write-behind would wait with it, so this in-memory timer wakes the grain at the step's
    // due time (a crash loses nothing: the unsaved events are re-delivered and set it again).
    private readonly OneShotTimer _cartTimer = new();

    private CustomerState State => _store.State;

    private UnsavedChanges Unsaved => _store.Unsaved;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.CustomerId.Length == 0)
        {
            State.CustomerId = this.GetPrimaryKeyString();
        }

        _store.Loaded();
        if (sms.MarkInterruptedSendsUnknown(State) > 0)
        {
            MarkChanged();
        }

        if (State.Outbox.HasOpenPublications())
        {
            // Left open by an earlier activation (it may have died mid-publish): settle it soon,
            // outside activation.
            this.RegisterGrainTimer(PublishOpenEffectsAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _store.UnloadAsync(siloStopping: reason.ReasonCode == DeactivationReasonCode.ShuttingDown && !OtherSilosCarryOn());
        // The customer may activate next on another silo (it follows its partition's consumer):
        // not before what this silo's dispatcher holds for it is on the topic.
        await tierChanges.LeaveAsync(State.CustomerId, cancellationToken);
    }

    // In a cluster the customer's partition may be consumed by another silo that keeps running
    // (its commit waits for this write): leaving the events for re-delivery would replay them there.
    private bool OtherSilosCarryOn() => silo.GetApproximateSiloStatuses(onlyActive: true).Keys.Any(s => !s.Equals(silo.SiloAddress));

    public async Task<ApplyReport> ApplyAsync(EventBatch batch)
    {
        var gaps = EventBatchApplication.Gaps(State, batch);
        if (gaps.Count > 0)
        {
            return new ApplyReport(0, 0, [], gaps);
        }

        var before = LoyaltyTotals.Of(State.Loyalty);
        var (report, changed) = EventBatchApplication.Apply(State, batch, _rules);
        if (report.Failure is { } failure)
        {
            await DiscardAfterFailureAsync(failure);
            return report;
        }

        var now = time.GetUtcNow();
        Unsaved.EventsApplied(changed, now);
        RecordEffects(before);
        RecordCartUpdate();
        if (report.Applied > 0)
        {
            // Evaluated when the state is written, once for all the batches it holds; a replay
            // or a redelivery of applied events marks nothing, so it can publish nothing.
            segments.EventsApplied(backfill: batch.Events.All(e => e.Event.Backfill));
        }

        // Claimed before the state is durable, so a STOP right after the profile finds the customer (docs/architecture.md).
        await ClaimNumberAsync();
        if (Unsaved.IsWriteDue(now))
        {
            // An effect leaves only once written; a conflict is the ingestion's to see (it rewinds).
            await _store.TryWriteAsync(rethrowConflict: true);
        }

        await SettleAsync();
        ArmWriteTimer();
        return report;
    }

    /// <summary>The rules threw: the state may be half-changed, so it is read again (or, if that fails, this activation goes).</summary>
    private async Task DiscardAfterFailureAsync(ApplyFailure failure)
    {
        LogApplyFailed(logger, failure.ErrorType, failure.Position.Stream, failure.Position.Offset);
        try
        {
            await _store.DiscardUnsavedAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }

        if (State.CustomerId.Length == 0)
        {
            State.CustomerId = this.GetPrimaryKeyString();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying the event at {Stream}@{Offset} threw {ErrorType}; the customer's unsaved state was dropped and reloaded")]
    private static partial void LogApplyFailed(ILogger logger, string errorType, string stream, long offset);

    public async Task<FlushReport> FlushAsync()
    {
        await _store.WriteUnsavedAsync();
        await SettleAsync();
        return _store.Report();
    }

    // The grain writes on its own timer; a checkpoint that finds the write due (the timer not
    // yet run) writes now, so the commit need not wait for the next checkpoint.
    public async Task<FlushReport> CheckpointAsync() => Unsaved.IsWriteDue(time.GetUtcNow()) ? await FlushAsync() : _store.Report();

    public async Task AdvanceAsync()
    {
        var before = LoyaltyTotals.Of(State.Loyalty);
        var now = time.GetUtcNow();
        State.AdvanceTo(now, _rules);
        var loyaltyEffects = RecordEffects(before);
        var cartChanged = RecordCartUpdate();
        // Time alone moves segment facts (P(alive), days since): a change rides the write-behind.
        if (segments.RecordNow(State) > 0)
        {
            Unsaved.Changed(now);
        }

        if (loyaltyEffects == 0 && !cartChanged && LoyaltyTotals.Of(State.Loyalty) != before)
        {
            Unsaved.Changed(now);
        }

        // What the clock decided leaves once written, as the effects of events do.
        await WriteWhenDueAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => AdvanceAsync();

    /// <summary>Turns the rules' effects into outbox messages; returns how many changed.</summary>
    private int RecordEffects(LoyaltyTotals before)
    {
        var effects = State.TakeLoyaltyEffects();
        loyaltyStatistics.Record(before, LoyaltyTotals.Of(State.Loyalty), effects);
        var now = time.GetUtcNow();
        var changes = CustomerNotifications.Record(State, effects, now, _rules.Loyalty);
        Unsaved.EffectsDecided(changes, now);
        return changes;
    }

    /// <summary>
    /// Attribution, cancellations and due steps of the cart abandonment trigger: a message it
    /// queues or cancels is an effect (written at once); a sequence started or a step skipped
    /// rides the write-behind. Returns whether anything changed.
    /// </summary>
    private bool RecordCartUpdate()
    {
        var update = cart.Update(State);
        var now = time.GetUtcNow();
        Unsaved.EffectsDecided(update.Effects, now);
        if (update.Effects == 0 && update.Changed)
        {
            Unsaved.Changed(now);
        }

        return update.Effects > 0 || update.Changed;
    }

    /// <summary>
    /// Once the state is durable: claims the number if a claim failed, hands due SMS and open
    /// tier and segment changes to their dispatchers (neither waits for a gateway or broker),
    /// delivers referral notices, then sets the wake-up for what is due later. Before that
    /// there is nothing to do: the write that makes it durable settles again.
    /// </summary>
    private async Task SettleAsync()
    {
        if (Unsaved.Any)
        {
            ArmCartTimer();
            return;
        }

        // A claim that failed earlier is tried again before anything is handed out.
        if (await ClaimNumberAsync())
        {
            ArmWriteTimer();
        }

        sms.HandOutDue(State);
        await PublishOpenEffectsAsync(CancellationToken.None);
        if (await cart.HandOutTalliesAsync(State, GrainFactory))
        {
            MarkChanged();
        }

        if (await HandOutReferralsAsync())
        {
            MarkChanged();
        }

        await ScheduleWakeUpAsync();
    }

    /// <summary>
    /// Claims the profile's number in the suppression list (and releases the old one) when it
    /// changed, and follows the number's latest instruction. Returns whether the state changed.
    /// </summary>
    private async Task<bool> ClaimNumberAsync()
    {
        if (!await NumberClaims.UpdateAsync(GrainFactory, numberKeys, State, time.GetUtcNow(), logger))
        {
            return false;
        }

        Unsaved.Changed(time.GetUtcNow());
        return true;
    }

    private Task PublishOpenEffectsAsync(CancellationToken cancellationToken) => tierChanges.PublishOpenAsync(State, _store.WriteAsync, cancellationToken);

    public async Task CompleteEffectPublicationAsync(string effectId, bool published)
    {
        if (tierChanges.Completed(State, effectId, published))
        {
            // The completion rides the write-behind: lost in a crash, the record is looked up.
            MarkChanged();
        }
        else if (!published && !Unsaved.Any)
        {
            // Still open: the wake-up retries it.
            await ScheduleWakeUpAsync();
        }
    }

    private async Task ScheduleWakeUpAsync()
    {
        var now = time.GetUtcNow();
        var loyaltyDue = State.NextLoyaltyDueAt(_rules);
        var cartCheck = cart.NextCheck(State, now);
        var segmentCheck = segments.NextCheck(State, now);
        if (loyaltyDue <= now || cartCheck <= now || segmentCheck <= now)
        {
            await AdvanceAsync();
            return;
        }

        await _wakeUp.ScheduleAsync(this, State, now, loyaltyDue, sms.NextCheck(State, now), cartCheck, segmentCheck, tierChanges.HasWaiting(State));
    }

    bool IWakeUpReminder.SiloTerminating => silo.CurrentStatus.IsTerminating();

    Task IWakeUpReminder.RegisterAsync(TimeSpan dueIn, TimeSpan period) => this.RegisterOrUpdateReminder(WakeUpReminder, dueIn, period);

    async Task IWakeUpReminder.UnregisterAsync()
    {
        if (await this.GetReminder(WakeUpReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>A change that rides the write-behind: the timer writes it when the policy says.</summary>
    private void MarkChanged()
    {
        Unsaved.Changed(time.GetUtcNow());
        ArmWriteTimer();
    }

    /// <summary>Writes if the policy says so (then hands out what is open), else sets the timer for when it will.</summary>
    private async Task WriteWhenDueAsync()
    {
        if (Unsaved.IsWriteDue(time.GetUtcNow()))
        {
            await _store.TryWriteAsync(rethrowConflict: false);
        }

        await SettleAsync();
        ArmWriteTimer();
    }

    /// <summary>Sets the write-behind timer for the policy's due time, unless it is already set as early.</summary>
    private void ArmWriteTimer()
    {
        if (Unsaved.WriteDueAt() is not { } due)
        {
            return;
        }

        var now = time.GetUtcNow();
        _writeTimer.FireIn(due - now, now, delay => this.RegisterGrainTimer(static (grain, _) => grain.OnWriteTimerAsync(), this, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan)));
    }

    private Task OnWriteTimerAsync()
    {
        _writeTimer.Fired();
        return WriteWhenDueAsync();
    }

    /// <summary>
    /// Wakes the grain when a cart step falls due before the write-behind would write (a step
    /// decided is an effect, so it is written and handed out at once); a later step is left to
    /// the durable reminder set once the state is written.
    /// </summary>
    private void ArmCartTimer()
    {
        var now = time.GetUtcNow();
        if (cart.NextCheck(State, now) is not { } due || Unsaved.WriteDueAt() is not { } write || due >= write)
        {
            return;
        }

        var delay = due - now;
        _cartTimer.FireIn(delay < MinimumCartTimerDelay ? MinimumCartTimerDelay : delay, now,
            delay => this.RegisterGrainTimer(static (grain, _) => grain.OnCartTimerAsync(), this, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan)));
    }

    private Task OnCartTimerAsync()
    {
        _cartTimer.Fired();
        return AdvanceAsync();
    }
}

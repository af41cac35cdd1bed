using Engine.Domain.Customers;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Engine.Grains.Customers;

/// <summary>The customer's durable wake-up reminder, as the grain holds it.</summary>
public interface IWakeUpReminder
{
    /// <summary>The silo is stopping: its reminder service stops with it.</summary>
    bool SiloTerminating { get; }

    /// <summary>Registers the reminder, or moves the one registered.</summary>
    Task RegisterAsync(TimeSpan dueIn, TimeSpan period);

    /// <summary>Removes the reminder, if one is registered.</summary>
    Task UnregisterAsync();
}

/// <summary>
/// Keeps a customer's wake-up reminder in time for its next work: time-driven loyalty work,
/// the retry of a tier or segment change that failed to publish, an SMS check, the daily
/// re-evaluation of segments. <see cref="WakeUpSchedule"/>
/// decides when the reminder moves (each registration is a database write); the state's
/// <see cref="CustomerState.WakeUpAt"/> records what is registered.
/// </summary>
public sealed partial class WakeUpScheduler(ILogger logger)
{
    /// <summary>How soon a tier change still open after settling (its publish failed) is tried again.</summary>
    public static readonly TimeSpan PublishRetryDelay = TimeSpan.FromMinutes(1);

    /// <param name="reminder">The customer's reminder.</param>
    /// <param name="state">The customer; its <see cref="CustomerState.WakeUpAt"/> is updated.</param>
    /// <param name="now">The current time.</param>
    /// <param name="loyaltyDue">When loyalty work falls due next (after now: work due now is run, not scheduled).</param>
    /// <param name="smsCheck">When the customer's SMS need another look.</param>
    /// <param name="cartCheck">When a cart abandonment step falls due (or tallies wait for the ledger).</param>
    /// <param name="segmentCheck">When the customer's segments are evaluated again as time passes.</param>
    /// <param name="publicationsWaiting">Tier or segment changes are open and not in the dispatcher's hands (whose answer settles them).</param>
    public async Task ScheduleAsync(IWakeUpReminder reminder, CustomerState state, DateTimeOffset now, DateTimeOffset? loyaltyDue, DateTimeOffset? smsCheck, DateTimeOffset? cartCheck = null, DateTimeOffset? segmentCheck = null, bool? publicationsWaiting = null)
    {
        var next = Earliest(loyaltyDue, segmentCheck);
        if ((publicationsWaiting ?? state.Outbox.HasOpenPublications()) || state.Outbox.HasOpen(Engine.Domain.Effects.OutboxKind.ReferralNotice))
        {
            // Still open after settling: the publish (or the referrer's call) failed.
            next = Earliest(next, now + PublishRetryDelay);
        }

        next = Earliest(next, smsCheck);
        next = Earliest(next, cartCheck);
        // A cart step is due within hours: a tick missed while the silo was down comes back in a
        // minute, not a day (the reminder is moved at every wake-up anyway).
        var change = WakeUpSchedule.Decide(state.WakeUpAt, next, cartCheck is not null || state.Outbox.Messages.Any(m => m.IsOpen), now);
        if (change.Action == WakeUpAction.Keep)
        {
            return;
        }

        if (reminder.SiloTerminating)
        {
            // The reminder service stops with the silo. WakeUpAt keeps what is registered: the
            // reminder that woke the customer now (or its next event) brings it back to schedule.
            return;
        }

        try
        {
            if (change.Action == WakeUpAction.Register)
            {
                await reminder.RegisterAsync(change.At!.Value - now, change.Period);
            }
            else
            {
                await reminder.UnregisterAsync();
            }

            // Not a change that needs a write of its own: registrations only move earlier (or
            // replace one that has fired), so a WakeUpAt lost in a crash is never later than
            // the reminder that is really registered.
            state.WakeUpAt = change.At;
        }
        catch (Exception ex) when (ex is not InconsistentStateException)
        {
            // Tried again after the next change; the period of an existing reminder still fires.
            LogWakeUpFailed(logger, ex.GetType().Name);
        }
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is { } x && (b is not { } y || x <= y) ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduling the customer's wake-up reminder failed ({ErrorType})")]
    private static partial void LogWakeUpFailed(ILogger logger, string errorType);
}

using System.Globalization;
using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Effects;

/// <summary>
/// A customer's side of the cart abandonment trigger, over its state: asks the rules what is
/// due (<see cref="CartReminders"/>), records what a sent cart SMS and a purchase mean for
/// attribution, hands experiment tallies to the ledger, and counts it all. The grain writes
/// and schedules what each step returns, as for the other triggers.
/// </summary>
public sealed class CartAbandonmentTrigger(
    IOptions<CustomerRules> rules,
    CartStatistics statistics,
    [FromKeyedServices(EngineTime.Key)] TimeProvider time)
{
    /// <summary>How soon tallies the ledger did not take are handed over again.</summary>
    public static readonly TimeSpan TallyRetryDelay = TimeSpan.FromMinutes(1);

    /// <summary>Attribution, cancellation and due steps as of now; the grain counts the result's effects and changes.</summary>
    public CartUpdate Update(CustomerState state)
    {
        var update = CartReminders.Update(state, time.GetUtcNow(), rules.Value);
        if (update.Notes.Count > 0)
        {
            statistics.Record(update);
        }

        return update;
    }

    /// <summary>When the customer's cart next needs a look: a step falling due, or tallies to hand over again.</summary>
    public DateTimeOffset? NextCheck(CustomerState state, DateTimeOffset now)
    {
        var due = CartReminders.NextDueAt(state, rules.Value);
        if (state.Outbox.HasOpen(OutboxKind.ExperimentTally))
        {
            var retry = now + TallyRetryDelay;
            due = due is { } d && d <= retry ? d : retry;
        }

        return due;
    }

    /// <summary>After the gateway's answer: a cart SMS that went out is remembered for attribution and tallied. Returns whether the state changed.</summary>
    public bool SendSettled(CustomerState state, string messageId)
    {
        if (state.Outbox.Find(messageId) is not { } message || !CartReminders.RecordSent(state, message, time.GetUtcNow()))
        {
            return false;
        }

        var data = message.Sms!.Data;
        double? latency = null;
        // Only messages no policy moved (quiet hours, retries) tell how fast a step leaves once due.
        if (message.DueAt == message.CreatedAt && message.SentAt is { } sentAt
            && DateTimeOffset.TryParse(data.GetValueOrDefault("due_at"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var dueAt))
        {
            latency = Math.Max(0, (sentAt - dueAt).TotalSeconds);
        }

        statistics.RecordSent(data.GetValueOrDefault("step") ?? "", data.GetValueOrDefault("variant") ?? "", latency);
        return true;
    }

    /// <summary>
    /// Hands the open tallies to the ledger and removes them once it has them. The state must be
    /// durable (a tally leaves only from durable state). Returns whether the state changed; a
    /// ledger that cannot be reached leaves them for the next look.
    /// </summary>
    public async Task<bool> HandOutTalliesAsync(CustomerState state, IGrainFactory grains)
    {
        if (!state.Outbox.HasOpen(OutboxKind.ExperimentTally))
        {
            return false;
        }

        var open = state.Outbox.Open(OutboxKind.ExperimentTally).ToList();
        try
        {
            await grains.GetGrain<IExperimentLedgerGrain>(IExperimentLedgerGrain.Key).RecordAsync([.. open.Select(m => new LedgerEntry(m.Id, m.Tally!))]);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return false;
        }

        foreach (var message in open)
        {
            state.Outbox.Remove(message);
        }

        return true;
    }
}

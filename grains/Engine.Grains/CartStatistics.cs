using System.Collections.Concurrent;
using Engine.Domain.Effects;

namespace Engine.Grains;

/// <summary>
/// Cart abandonment figures of this silo's customer grains, exported as metrics by the silo:
/// sequences by outcome, cart SMS sent, carts recovered and their revenue per step and
/// variant, and how long after its due time a reminder went out. Step and variant names come
/// from configuration, a small fixed set fit for labels.
/// </summary>
public sealed class CartStatistics
{
    /// <summary>Sequences and steps by what became of them (started, queued, skipped-late, cancelled-bought, ...).</summary>
    public ConcurrentDictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<(string Step, string Variant), long> Sent { get; } = new();

    public ConcurrentDictionary<(string Step, string Variant), long> Recovered { get; } = new();

    /// <summary>Recovered revenue in the base currency, in cents (a counter of whole units loses them).</summary>
    public ConcurrentDictionary<(string Step, string Variant), long> RecoveredCents { get; } = new();

    /// <summary>Seconds from a step's due time to the gateway's answer, for messages no quiet hours deferred.</summary>
    public ConcurrentQueue<double> ReminderLatencies { get; } = new();

    public void Record(CartUpdate update)
    {
        foreach (var note in update.Notes)
        {
            Outcomes.AddOrUpdate(OutcomeName(note.Kind), 1, (_, n) => n + 1);
            if (note.Kind == CartNoteKind.Recovered)
            {
                Recovered.AddOrUpdate((note.Step, note.Variant), 1, (_, n) => n + 1);
                var cents = (long)decimal.Round(note.Revenue * 100m, MidpointRounding.ToEven);
                RecoveredCents.AddOrUpdate((note.Step, note.Variant), cents, (_, n) => n + cents);
            }
        }
    }

    public void RecordSent(string step, string variant, double? secondsAfterDue)
    {
        Sent.AddOrUpdate((step, variant), 1, (_, n) => n + 1);
        if (secondsAfterDue is { } latency && ReminderLatencies.Count < 100_000)
        {
            ReminderLatencies.Enqueue(latency);
        }
    }

    public static string OutcomeName(CartNoteKind kind) => kind switch
    {
        CartNoteKind.Started => "started",
        CartNoteKind.Queued => "queued",
        CartNoteKind.SkippedLate => "skipped-late",
        CartNoteKind.SkippedAudience => "skipped-audience",
        CartNoteKind.CancelledBought => "cancelled-bought",
        CartNoteKind.CancelledEmptied => "cancelled-emptied",
        CartNoteKind.Recovered => "recovered",
        _ => "other",
    };
}

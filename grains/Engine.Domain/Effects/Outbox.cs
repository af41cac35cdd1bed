using Engine.Domain.Sms;

namespace Engine.Domain.Effects;

/// <summary>
/// The customer's effects on their way out. Adding is idempotent by id; finished messages
/// are kept for a while as the customer's message log, then pruned: a pruned SMS that went
/// out is remembered in the compact <see cref="SentLog"/>, so the caps still count it.
/// </summary>
[GenerateSerializer, Alias("engine.Outbox")]
public sealed class Outbox
{
    /// <summary>
    /// Finished messages kept for the log (<c>engine-admin sms log</c>, delivery reports): about
    /// 200-300 bytes each serialized. Was 50; the caps no longer read it (see <see cref="SentLog"/>).
    /// </summary>
    public const int FinishedCapacity = 5;

    [Id(0)] public List<OutboxMessage> Messages { get; set; } = [];

    /// <summary>SMS sent whose messages were pruned, as far back as the caps and the HELP limit read.</summary>
    [Id(1)] public SmsSentLog SentLog { get; set; } = new();

    /// <summary>
    /// Every SMS the policies must know went out: the messages still here with a send time,
    /// and the sent-log of the pruned ones (each send is in exactly one of the two).
    /// </summary>
    public IEnumerable<SentSms> Sent(string? exceptId = null) =>
        Messages.Where(m => m.Kind == OutboxKind.Sms && m.SentAt is not null && m.Id != exceptId)
            .Select(m => new SentSms(m.Id, SmsPlanning.TriggerOf(m), m.SentAt!.Value))
            .Concat(SentLog.Sent());

    public bool HasOpen(OutboxKind kind) => Messages.Any(m => m.Kind == kind && m.IsOpen);

    public IEnumerable<OutboxMessage> Open(OutboxKind kind) => Messages.Where(m => m.Kind == kind && m.IsOpen);

    /// <summary>Kinds published to a topic, exactly once, by the customer's publication (tier changes, segment changes).</summary>
    public static bool IsPublished(OutboxKind kind) => kind is OutboxKind.TierChange or OutboxKind.SegmentChange;

    /// <summary>Tier and segment changes not yet published.</summary>
    public IEnumerable<OutboxMessage> OpenPublications() => Messages.Where(m => IsPublished(m.Kind) && m.IsOpen);

    public bool HasOpenPublications() => Messages.Any(m => IsPublished(m.Kind) && m.IsOpen);

    public OutboxMessage? Find(string id) => Messages.Find(m => m.Id == id);

    /// <summary>Adds a message unless one with its id exists; returns whether it was added.</summary>
    public bool Add(OutboxMessage message)
    {
        if (Find(message.Id) is not null)
        {
            return false;
        }

        Messages.Add(message);
        PruneFinished(message.CreatedAt);
        return true;
    }

    /// <summary>Drops a message that leaves no trace worth a log line (a tally the ledger has).</summary>
    public void Remove(OutboxMessage message) => Messages.Remove(message);

    public void Complete(OutboxMessage message, OutboxStatus status, DateTimeOffset at, string? detail = null)
    {
        message.Status = status;
        message.CompletedAt = at;
        message.Detail = detail ?? message.Detail;
        PruneFinished(at);
    }

    private void PruneFinished(DateTimeOffset now)
    {
        var finished = Messages.Count(m => !m.IsOpen);
        for (var i = 0; finished > FinishedCapacity && i < Messages.Count;)
        {
            if (!Messages[i].IsOpen)
            {
                if (Messages[i] is { Kind: OutboxKind.Sms, SentAt: { } sentAt } sent)
                {
                    SentLog.Record(SmsPlanning.TriggerOf(sent), sentAt, now);
                }

                Messages.RemoveAt(i);
                finished--;
            }
            else
            {
                i++;
            }
        }
    }
}

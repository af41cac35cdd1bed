namespace Engine.Domain.Effects;

/// <summary>
/// The customer's effects on their way out. Adding is idempotent by id; finished messages
/// are kept for a while as the customer's message log, then pruned.
/// </summary>
[GenerateSerializer, Alias("engine.Outbox")]
public sealed class Outbox
{
    /// <summary>Finished messages kept for the log.</summary>
    public const int FinishedCapacity = 50;

    [Id(0)] public List<OutboxMessage> Messages { get; set; } = [];

    public bool HasOpen(OutboxKind kind) => Messages.Any(m => m.Kind == kind && m.IsOpen);

    public IEnumerable<OutboxMessage> Open(OutboxKind kind) => Messages.Where(m => m.Kind == kind && m.IsOpen);

    public OutboxMessage? Find(string id) => Messages.Find(m => m.Id == id);

    /// <summary>Adds a message unless one with its id exists; returns whether it was added.</summary>
    public bool Add(OutboxMessage message)
    {
        if (Find(message.Id) is not null)
        {
            return false;
        }

        Messages.Add(message);
        PruneFinished();
        return true;
    }

    /// <summary>Drops a message that leaves no trace worth a log line (a tally the ledger has).</summary>
    public void Remove(OutboxMessage message) => Messages.Remove(message);

    public void Complete(OutboxMessage message, OutboxStatus status, DateTimeOffset at, string? detail = null)
    {
        message.Status = status;
        message.CompletedAt = at;
        message.Detail = detail ?? message.Detail;
        PruneFinished();
    }

    private void PruneFinished()
    {
        var finished = Messages.Count(m => !m.IsOpen);
        for (var i = 0; finished > FinishedCapacity && i < Messages.Count;)
        {
            if (!Messages[i].IsOpen)
            {
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

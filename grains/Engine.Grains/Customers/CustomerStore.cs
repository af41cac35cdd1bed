using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Processing;
using Engine.Grains.Effects;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Engine.Grains.Customers;

/// <summary>
/// A customer's state and what of it is durable: the write-behind policy's unsaved changes,
/// the watermarks as of the last write (offsets are committed behind them), and the answer
/// to a concurrent writer: reload. Keeps the silo's figures of loaded state (writes, active
/// customers per tier). Each write first evaluates the segments the unsaved events may have
/// moved, then marks new tier and segment changes for publication, so the write that makes
/// one durable also records where to look for it.
/// </summary>
public sealed partial class CustomerStore(
    IPersistentState<CustomerState> storage,
    WriteBehindLimits limits,
    TierChangePublication tierChanges,
    SegmentEvaluation segments,
    CustomerStateWrites writes,
    LoyaltyStatistics loyalty,
    ILogger logger)
{
    private Dictionary<string, long> _durableWatermarks = new(StringComparer.Ordinal);

    // The customer's id, as the grain set it before the first load.
    private string _customerId = "";

    // Set when the in-memory state could be half-changed and could not be reloaded: nothing of it may be written.
    private bool _discarded;

    public CustomerState State => storage.State;

    /// <summary>What is only in memory, and when it must be written.</summary>
    public UnsavedChanges Unsaved { get; } = new(limits);

    /// <summary>The state was just read from storage (the grain activates, or reloads): all of it is durable.</summary>
    public void Loaded()
    {
        // A reload that finds no record (a concurrent writer's, or a discard before the first
        // write) gives a fresh state: it keeps the customer's id, or its effects would leave
        // under an empty one (the SMS dispatcher stopped the silo on such a message).
        if (State.CustomerId.Length == 0)
        {
            State.CustomerId = _customerId;
        }

        _customerId = State.CustomerId;
        _durableWatermarks = Watermarks();
        loyalty.Enter(State.Loyalty.Tier);
    }

    /// <summary>
    /// The grain deactivates: writes what is unsaved, except events at the silo's stop. Those
    /// are ones the final checkpoint did not make durable (it ran out of time or storage
    /// failed), so their offsets were not committed: they are re-delivered at the next start,
    /// as after a crash, and writing them now would only overrun the stop as the checkpoint did.
    /// </summary>
    public async Task UnloadAsync(bool siloStopping)
    {
        loyalty.Leave(State.Loyalty.Tier);
        if (!Unsaved.Any || _discarded)
        {
            return;
        }

        if (siloStopping && Unsaved.Events > 0)
        {
            LogLeftForRedelivery(logger, Unsaved.Events);
            return;
        }

        try
        {
            await WriteAsync();
        }
        catch (Exception ex)
        {
            // Nothing is lost: the offsets behind these events were not committed, and the
            // next activation's watermark tells the ingestion to re-deliver them.
            LogUnloadWriteFailed(logger, ex.GetType().Name, Unsaved.Count);
        }
    }

    /// <summary>The durable and the applied watermarks of every stream.</summary>
    public FlushReport Report() => new(new Dictionary<string, long>(_durableWatermarks, StringComparer.Ordinal), Watermarks());

    /// <summary>
    /// Writes the state. When another activation wrote since this one read (a rebalance moved
    /// the customer), the events held in memory are not durable and cannot be: the state is
    /// reloaded, the unsaved changes are forgotten, and the
    /// <see cref="InconsistentStateException"/> goes on to the caller, whose next batch (or
    /// checkpoint) shows the gap so the ingestion re-delivers them.
    /// </summary>
    public async Task WriteAsync()
    {
        segments.RecordDue(State);
        await tierChanges.PrepareAsync(State);
        try
        {
            await storage.WriteStateAsync();
            writes.RecordSuccess();
        }
        catch (InconsistentStateException)
        {
            writes.RecordFailure();
            LogConcurrentWriter(logger);
            loyalty.Leave(State.Loyalty.Tier);
            await storage.ReadStateAsync();
            tierChanges.Forget();
            segments.Forget();
            Loaded();
            Unsaved.Written();
            throw;
        }
        catch
        {
            writes.RecordFailure();
            throw;
        }

        _durableWatermarks = Watermarks();
        Unsaved.Written();
    }

    /// <summary>
    /// Drops what is only in memory and reads the durable state again: the rules threw halfway
    /// through an event, so the state may be half-changed. The events held in memory are not
    /// lost: their offsets were not committed, and the lower watermarks make the ingestion
    /// re-deliver them. If the read fails too, the state is marked never to be written and the
    /// exception goes on (the caller deactivates).
    /// </summary>
    public async Task DiscardUnsavedAsync()
    {
        loyalty.Leave(State.Loyalty.Tier);
        tierChanges.Forget();
        segments.Forget();
        Unsaved.Written();
        try
        {
            await storage.ReadStateAsync();
        }
        catch
        {
            _discarded = true;
            throw;
        }

        Loaded();
    }

    /// <summary>Writes what is unsaved, if anything; after a conflict (reloaded) the durable watermarks tell the ingestion what to re-deliver.</summary>
    public async Task WriteUnsavedAsync()
    {
        if (!Unsaved.Any)
        {
            return;
        }

        try
        {
            await WriteAsync();
        }
        catch (InconsistentStateException)
        {
            // Reloaded: reported by the watermarks, not as an error.
        }
    }

    /// <summary>
    /// Writes the state; a failure is logged and left to the next write (a checkpoint's flush
    /// retries it and holds back the commit, and any effect, until it succeeds). A conflict is
    /// passed on if <paramref name="rethrowConflict"/>.
    /// </summary>
    public async Task TryWriteAsync(bool rethrowConflict)
    {
        try
        {
            await WriteAsync();
        }
        catch (InconsistentStateException) when (rethrowConflict)
        {
            throw;
        }
        catch (Exception ex)
        {
            LogWriteFailed(logger, ex.GetType().Name);
        }
    }

    private Dictionary<string, long> Watermarks() => new(State.Progress.Watermarks, StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Customer state was written by another activation; reloaded from storage")]
    private static partial void LogConcurrentWriter(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Customer state write on deactivation failed ({ErrorType}); {UnsavedChanges} changes will be re-delivered")]
    private static partial void LogUnloadWriteFailed(ILogger logger, string errorType, int unsavedChanges);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Silo stopping: {UnsavedEvents} unsaved events left for re-delivery at the next start")]
    private static partial void LogLeftForRedelivery(ILogger logger, int unsavedEvents);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Early customer state write failed ({ErrorType}); will retry at the next checkpoint")]
    private static partial void LogWriteFailed(ILogger logger, string errorType);
}

using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Processing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Engine.Grains;

/// <summary>
/// A customer. Thin by design: it checks the batch continues where this activation left
/// off, hands each event to <see cref="CustomerState.Apply"/>, and decides when to write.
/// </summary>
public sealed partial class CustomerGrain(
    [PersistentState("customer", StorageNames.Customers)] IPersistentState<CustomerState> customer,
    IOptions<CustomerRules> rules,
    IOptions<WriteBehindOptions> writeBehind,
    TimeProvider time,
    CustomerStateWrites writes,
    ILogger<CustomerGrain> logger) : Grain, ICustomerGrain
{
    private readonly CustomerRules _rules = rules.Value;
    private readonly WriteBehindOptions _writeBehind = writeBehind.Value;
    private Dictionary<string, long> _durableWatermarks = new(StringComparer.Ordinal);
    private int _unsavedEvents;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (customer.State.CustomerId.Length == 0)
        {
            customer.State.CustomerId = this.GetPrimaryKeyString();
        }

        _durableWatermarks = new Dictionary<string, long>(customer.State.Progress.Watermarks, StringComparer.Ordinal);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_unsavedEvents == 0)
        {
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
            LogDeactivationWriteFailed(ex.GetType().Name, _unsavedEvents);
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
        int applied = 0, duplicates = 0;
        List<EventRejection>? rejections = null;
        var changed = 0;
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

        _unsavedEvents += changed;
        if (_unsavedEvents >= _writeBehind.MaxUnsavedEvents)
        {
            try
            {
                await SaveAsync();
            }
            catch (Exception ex) when (ex is not InconsistentStateException)
            {
                // The events are applied in memory; the next checkpoint's flush retries the
                // write and holds back the commit until it succeeds.
                LogEarlyWriteFailed(ex.GetType().Name);
            }
        }

        return new ApplyReport(applied, duplicates, rejections ?? [], []);
    }

    public async Task<FlushReport> FlushAsync()
    {
        if (_unsavedEvents > 0)
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

        return new FlushReport(new Dictionary<string, long>(_durableWatermarks, StringComparer.Ordinal));
    }

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
            _unsavedEvents > 0));
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

    private async Task SaveAsync()
    {
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
            await customer.ReadStateAsync();
            _durableWatermarks = new Dictionary<string, long>(customer.State.Progress.Watermarks, StringComparer.Ordinal);
            _unsavedEvents = 0;
            throw;
        }
        catch
        {
            writes.RecordFailure();
            throw;
        }

        _durableWatermarks = new Dictionary<string, long>(customer.State.Progress.Watermarks, StringComparer.Ordinal);
        _unsavedEvents = 0;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Customer state write on deactivation failed ({ErrorType}); {UnsavedEvents} events will be re-delivered")]
    private partial void LogDeactivationWriteFailed(string errorType, int unsavedEvents);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Early customer state write failed ({ErrorType}); will retry at the next checkpoint")]
    private partial void LogEarlyWriteFailed(string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Customer state was written by another activation; reloaded from storage")]
    private partial void LogConcurrentWriter();
}

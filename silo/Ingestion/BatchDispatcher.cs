using Engine.Contracts;
using Engine.Domain.Events;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Hands a batch to the grains: one <see cref="ICustomerGrain.ApplyAsync"/> per customer, with
/// its events in offset order (in <see cref="IngestionOptions.MaxEventsPerCall"/> chunks sent
/// one after the other), all customers at once. Each call carries, per stream, the last offset
/// this silo gave that customer, so a grain that lost events refuses the batch.
/// </summary>
internal sealed class BatchDispatcher(Func<string, ICustomerGrain> customers, TrackedPartitions partitions, IngestionOptions options)
{
    /// <summary>Starts every customer's call; the task never fails (a failed call is an outcome).</summary>
    public Task<CustomerOutcome[]> Dispatch(IngestionBatch batch)
    {
        var calls = new Task<CustomerOutcome>[batch.ByCustomer.Count];
        var i = 0;
        foreach (var (customerId, events) in batch.ByCustomer)
        {
            calls[i++] = ApplyAsync(customerId, events.Events, ExpectedWatermarks(customerId, events.Events));
        }

        return Task.WhenAll(calls);
    }

    private Dictionary<string, long>? ExpectedWatermarks(string customerId, List<SequencedEvent> events)
    {
        Dictionary<string, long>? expected = null;
        string? previousStream = null;
        foreach (var sequenced in events)
        {
            var stream = sequenced.Position.Stream;
            if (ReferenceEquals(stream, previousStream))
            {
                continue;
            }

            previousStream = stream;
            if (partitions.TryGetStream(stream, out var partition) && partition.Pending.TryGetValue(customerId, out var pending))
            {
                (expected ??= new(StringComparer.Ordinal))[stream] = pending.LastDispatched;
            }
        }

        return expected;
    }

    private async Task<CustomerOutcome> ApplyAsync(string customerId, List<SequencedEvent> events, Dictionary<string, long>? expected)
    {
        var grain = customers(customerId);
        try
        {
            if (events.Count <= options.MaxEventsPerCall)
            {
                return new CustomerOutcome(customerId, await grain.ApplyAsync(new EventBatch(events, expected)), null);
            }

            // Several calls in sequence: only the first needs the continuity check.
            var applied = 0;
            var duplicates = 0;
            var rejections = new List<EventRejection>();
            for (var start = 0; start < events.Count; start += options.MaxEventsPerCall)
            {
                var chunk = events.GetRange(start, Math.Min(options.MaxEventsPerCall, events.Count - start));
                var report = await grain.ApplyAsync(new EventBatch(chunk, start == 0 ? expected : null));
                if (report.HasGap || report.Failure is not null)
                {
                    return new CustomerOutcome(customerId, report, null);
                }

                applied += report.Applied;
                duplicates += report.Duplicates;
                rejections.AddRange(report.Rejections);
            }

            return new CustomerOutcome(customerId, new ApplyReport(applied, duplicates, rejections, []), null);
        }
        catch (Exception ex)
        {
            return new CustomerOutcome(customerId, null, ex);
        }
    }
}

/// <summary>What one customer's call did: its report, or the error that failed it.</summary>
internal sealed record CustomerOutcome(string CustomerId, ApplyReport? Report, Exception? Error);

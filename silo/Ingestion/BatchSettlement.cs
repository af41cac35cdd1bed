using System.Runtime.InteropServices;
using Confluent.Kafka;
using Engine.Domain.Processing;
using Engine.Silo.Metrics;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Settles the batch in the grains once its calls are done: records what each customer was
/// given (what the next batch tells it to expect and what a checkpoint must see durable),
/// dead-letters events the rules refused, advances each partition's completed offset, and
/// rewinds every stream whose events did not all land (a gap, a failed call, a dead letter
/// not written), dropping what the next batch had already read of it.
/// </summary>
internal sealed class BatchSettlement(
    TrackedPartitions partitions,
    PartitionRewinds rewinds,
    IDeadLetterOutput deadLetters,
    EngineMetrics metrics,
    TimeProvider time,
    ILogger logger,
    ApplyRetries? retries = null)
{
    private const string RefusedByRules = "refused by the customer rules";

    private (IngestionBatch Batch, Task<CustomerOutcome[]> Calls)? _inFlight;

    public bool HasInFlight => _inFlight is not null;

    public bool InFlightCompleted => _inFlight is { Calls.IsCompleted: true };

    /// <summary>The batch now in the grains; it is settled by the next <see cref="FinishInFlight"/>.</summary>
    public void Dispatched(IngestionBatch batch, Task<CustomerOutcome[]> calls) => _inFlight = (batch, calls);

    /// <summary>Waits for the batch in the grains, if any, and settles it; rewound streams are dropped from <paramref name="next"/>.</summary>
    public void FinishInFlight(IngestionBatch? next)
    {
        if (_inFlight is not { } inFlight)
        {
            return;
        }

        _inFlight = null;
        Settle(inFlight.Batch, inFlight.Calls.GetAwaiter().GetResult(), next);
    }

    private void Settle(IngestionBatch batch, CustomerOutcome[] outcomes, IngestionBatch? next)
    {
        var rewind = new HashSet<string>(StringComparer.Ordinal);
        var rewindReasons = new Dictionary<string, string>(StringComparer.Ordinal);
        var pendingDeadLetters = new List<(string Stream, Task Write)>();
        var now = time.GetUtcNow().UtcDateTime;
        var dispatchedAt = time.GetTimestamp();

        foreach (var outcome in outcomes)
        {
            var events = batch.ByCustomer[outcome.CustomerId];
            if (outcome.Report?.Failure is { } failure)
            {
                // The grain dropped its unsaved state: every stream it was given in this batch goes back.
                if (partitions.TryGetStream(failure.Position.Stream, out var failed))
                {
                    retries?.Failed(failed, failure);
                }

                foreach (var stream in events.Events.Select(e => e.Position.Stream).Distinct())
                {
                    rewind.Add(stream);
                    rewindReasons[stream] = RejectionReasons.ApplyFailed;
                }

                continue;
            }

            if (outcome.Error is not null || outcome.Report!.HasGap)
            {
                var reason = outcome.Error is null ? "gap" : "call-failed";
                if (outcome.Error is not null)
                {
                    logger.LogCallFailed(outcome.Error.GetType().Name, outcome.Error.Message);
                }

                foreach (var stream in outcome.Error is null ? outcome.Report!.GapStreams : events.Events.Select(e => e.Position.Stream).Distinct())
                {
                    rewind.Add(stream);
                    rewindReasons[stream] = reason;
                }

                continue;
            }

            var report = outcome.Report!;
            metrics.EventsApplied.Inc(report.Applied);
            if (report.Duplicates > 0)
            {
                metrics.EventsDuplicate.Inc(report.Duplicates);
            }

            RecordGiven(outcome.CustomerId, events, now, dispatchedAt);
            foreach (var rejection in report.Rejections)
            {
                if (batch.Messages.TryGetValue(rejection.Position, out var message))
                {
                    logger.LogRejected(rejection.Reason, message.Topic, message.Partition.Value, message.Offset.Value, RefusedByRules);
                    pendingDeadLetters.Add((rejection.Position.Stream, deadLetters.PublishAsync(message, rejection.Reason, RefusedByRules)));
                }
            }
        }

        foreach (var (stream, write) in pendingDeadLetters)
        {
            if (!Succeeded(write) && partitions.TryGetStream(stream, out var progress))
            {
                DeadLetterFailed(progress, rewind, rewindReasons);
            }
        }

        foreach (var (partition, write) in batch.DeadLetters)
        {
            if (!Succeeded(write) && partitions.TryGet(partition, out var progress))
            {
                DeadLetterFailed(progress, rewind, rewindReasons);
            }
        }

        if (pendingDeadLetters.Count + batch.DeadLetters.Count > 0 && !rewindReasons.ContainsValue(DeadLetterFailedReason))
        {
            retries?.DeadLetterWritten();
        }

        foreach (var (partition, maxOffset) in batch.MaxOffsets)
        {
            if (partitions.TryGet(partition, out var progress) && !rewind.Contains(progress.Stream))
            {
                progress.CompletedOffset = Math.Max(progress.CompletedOffset, maxOffset);
            }
        }

        if (rewind.Count > 0)
        {
            Rewind(rewind, rewindReasons, next);
        }
    }

    private const string DeadLetterFailedReason = "dead-letter-failed";

    // The stream is sought back (its offset must not pass an event whose dead letter is not
    // written) and held for a backoff, so an unreachable broker does not make it loop.
    private void DeadLetterFailed(PartitionProgress progress, HashSet<string> rewind, Dictionary<string, string> reasons)
    {
        rewind.Add(progress.Stream);
        if (!string.Equals(reasons.GetValueOrDefault(progress.Stream), DeadLetterFailedReason, StringComparison.Ordinal))
        {
            // Once per partition per batch, whatever else rewinds it.
            retries?.DeadLetterFailed(progress);
        }

        reasons[progress.Stream] = DeadLetterFailedReason;
    }

    /// <summary>Records, per partition, the last offset given to the customer and the applied events not yet committed.</summary>
    private void RecordGiven(string customerId, CustomerEvents events, DateTime now, long dispatchedAt)
    {
        for (var i = 0; i < events.Events.Count; i++)
        {
            var sequenced = events.Events[i];
            if (partitions.TryGetStream(sequenced.Position.Stream, out var partition))
            {
                // One lookup per event on this hot path: the first pending event sets where and when it began.
                ref var pending = ref CollectionsMarshal.GetValueRefOrAddDefault(partition.Pending, customerId, out var known);
                pending = known
                    ? pending with { LastDispatched = sequenced.Position.Offset }
                    : new CustomerPending(sequenced.Position.Offset, sequenced.Position.Offset, dispatchedAt);
                partition.Uncommitted.Enqueue((sequenced.Position.Offset, events.KafkaTimestamps[i]));
            }

            metrics.SinceOccurredAt.Observe(Math.Max(0, (now - sequenced.Event.OccurredAt.UtcDateTime).TotalSeconds));
            metrics.SinceKafkaTimestamp.Observe(Math.Max(0, (now - events.KafkaTimestamps[i]).TotalSeconds));
        }
    }

    private void Rewind(HashSet<string> streams, Dictionary<string, string> reasons, IngestionBatch? next)
    {
        var rewound = new HashSet<TopicPartition>();
        foreach (var stream in streams)
        {
            if (partitions.TryGetStream(stream, out var progress))
            {
                rewinds.Rewind(progress, reasons[stream]);
                rewound.Add(progress.Partition);
            }
        }

        next?.Drop(streams, rewound);
    }

    private static bool Succeeded(Task write)
    {
        try
        {
            write.GetAwaiter().GetResult();
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}

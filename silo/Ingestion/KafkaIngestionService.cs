using System.Diagnostics;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Domain.Events;
using Engine.Silo.Kafka;
using Engine.Silo.Metrics;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Reads the event topics and applies each customer's events in its grain, effectively
/// once. One batch is in the grains while the next is read; a customer's events go in one
/// call per batch, in offset order; customers run in parallel. Offsets are committed only
/// by checkpoints, behind state the grains report as durable (docs/architecture.md).
/// </summary>
public sealed partial class KafkaIngestionService(
    KafkaEndpoint endpoint,
    IGrainFactory grains,
    DeadLetterPublisher deadLetters,
    IOptions<IngestionOptions> options,
    IOptions<Engine.Grains.WriteBehindOptions> writeBehind,
    EngineMetrics metrics,
    IngestionStatus status,
    TimeProvider time,
    ILogger<KafkaIngestionService> logger) : BackgroundService
{
    private readonly IngestionOptions _options = options.Value;
    private readonly EventParser _parser = new(options.Value.MaxEventBytes);
    private readonly Dictionary<TopicPartition, PartitionProgress> _partitions = [];
    private readonly Dictionary<string, PartitionProgress> _byStream = new(StringComparer.Ordinal);

    private IConsumer<byte[]?, byte[]?>? _consumer;
    private (IngestionBatch Batch, Task<CustomerOutcome[]> Calls)? _inFlight;
    private Task<CheckpointResult>? _checkpoint;
    private long _nextCheckpointAt;
    private long _nextLagUpdateAt;
    private int _failedCheckpoints;
    private bool _paused;

    // Cancelled when the final checkpoint's time is up (FinalCheckpointTimeout after the stop
    // began, or the host's stop budget): checkpoints then ask no more customers and commit
    // what the others made durable.
    private readonly CancellationTokenSource _timeUp = new();

    /// <summary>
    /// Returns only once the consumer loop has run its final checkpoint and closed the
    /// consumer, however long the host allows: the silo must not deactivate grains under that
    /// checkpoint, nor the broker go while the consumer is open. The loop bounds itself.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _timeUp.CancelAfter(_options.FinalCheckpointTimeout);
        await using (cancellationToken.Register(_timeUp.Cancel))
        {
            await base.StopAsync(CancellationToken.None);
        }
    }

    public override void Dispose()
    {
        _timeUp.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return Task.CompletedTask;
        }

        // librdkafka's Consume blocks; give the loop a thread of its own so host start-up is not held.
        return Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(CancellationToken stoppingToken)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(endpoint.ConsumerConfig())
            .SetPartitionsAssignedHandler((_, assigned) => OnAssigned(assigned))
            .SetPartitionsRevokedHandler((_, revoked) => OnRevoked(revoked))
            .SetPartitionsLostHandler((_, lost) => OnLost(lost))
            .SetErrorHandler((_, error) => LogKafkaError(error.Code, error.Reason))
            .Build();
        _consumer = consumer;
        consumer.Subscribe(endpoint.Topics.Inbound);
        status.MarkRunning(true);
        _nextCheckpointAt = time.GetTimestamp() + ToTicks(_options.CheckpointInterval);
        LogStarted(string.Join(", ", endpoint.Topics.Inbound));

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var next = ReadBatch(stoppingToken);
                FinishInFlight(next);
                if (!next.IsEmpty)
                {
                    _inFlight = (next, Dispatch(next));
                }

                MaybeCheckpoint();
                MaybeUpdateLag();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            try
            {
                FinishInFlight(null);
                WaitForCheckpoint();
                var final = RunCheckpointNow([.. _partitions.Values]);
                var behind = Snapshot(_partitions.Values).Count;
                if (behind == 0)
                {
                    LogFinalCheckpoint(final?.Reports.Count ?? 0);
                }
                else
                {
                    LogFinalCheckpointIncomplete(behind, final?.Unasked ?? 0, _options.FinalCheckpointTimeout.TotalSeconds, final?.Failures ?? 0);
                }
            }
            catch (Exception ex)
            {
                LogShutdownCheckpointFailed(ex.GetType().Name);
            }

            status.MarkRunning(false);
            consumer.Close();
            _consumer = null;
        }
    }

    private IngestionBatch ReadBatch(CancellationToken stoppingToken)
    {
        var batch = new IngestionBatch();
        var consumer = _consumer!;
        var pollTimeout = TimeSpan.FromMilliseconds(50);
        long? deadline = null;
        while (batch.Count < _options.MaxBatchEvents && !stoppingToken.IsCancellationRequested)
        {
            var wait = deadline is { } d ? TimeSpan.FromTicks(Math.Max(0, d - time.GetTimestamp()) * TimeSpan.TicksPerSecond / time.TimestampFrequency) : pollTimeout;
            var message = consumer.Consume(wait);
            if (message is null)
            {
                // An idle poll still lets a finished batch be completed and a checkpoint run.
                if (deadline is not null || _inFlight is { Calls.IsCompleted: true } || !batch.IsEmpty)
                {
                    break;
                }

                if (_inFlight is null && (IsCheckpointDue() || _checkpoint is { IsCompleted: true }))
                {
                    break;
                }

                continue;
            }

            deadline ??= time.GetTimestamp() + ToTicks(_options.MaxBatchWait);
            Accept(batch, message);
            if (time.GetTimestamp() >= deadline)
            {
                break;
            }
        }

        return batch;
    }

    private void Accept(IngestionBatch batch, ConsumeResult<byte[]?, byte[]?> message)
    {
        if (!_partitions.TryGetValue(message.TopicPartition, out var partition))
        {
            partition = Track(message.TopicPartition);
        }

        partition.RestartOffset ??= message.Offset.Value;
        var parsed = message.Message.Value is { } value
            ? _parser.Parse(message.Message.Key, value)
            : ParsedEvent.Invalid(Domain.Processing.RejectionReasons.InvalidJson, "message has no value");
        if (parsed.Event is { } e)
        {
            metrics.EventsConsumed.WithLabels(e.Type).Inc();
            batch.Add(partition, message, e);
        }
        else
        {
            LogRejected(parsed.Reason!, message.Topic, message.Partition.Value, message.Offset.Value, parsed.Detail!);
            batch.AddDeadLetter(partition, message.Offset.Value, deadLetters.PublishAsync(message, parsed.Reason!, parsed.Detail!));
        }
    }

    private Task<CustomerOutcome[]> Dispatch(IngestionBatch batch)
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
            if (_byStream.TryGetValue(stream, out var partition) && partition.Pending.TryGetValue(customerId, out var pending))
            {
                (expected ??= new(StringComparer.Ordinal))[stream] = pending.LastDispatched;
            }
        }

        return expected;
    }

    private async Task<CustomerOutcome> ApplyAsync(string customerId, List<SequencedEvent> events, Dictionary<string, long>? expected)
    {
        var grain = grains.GetGrain<ICustomerGrain>(customerId);
        try
        {
            if (events.Count <= _options.MaxEventsPerCall)
            {
                return new CustomerOutcome(customerId, await grain.ApplyAsync(new EventBatch(events, expected)), null);
            }

            // Several calls in sequence: only the first needs the continuity check.
            var applied = 0;
            var duplicates = 0;
            var rejections = new List<EventRejection>();
            for (var start = 0; start < events.Count; start += _options.MaxEventsPerCall)
            {
                var chunk = events.GetRange(start, Math.Min(_options.MaxEventsPerCall, events.Count - start));
                var report = await grain.ApplyAsync(new EventBatch(chunk, start == 0 ? expected : null));
                if (report.HasGap)
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

    /// <summary>
    /// Waits for the batch in the grains and settles it: records what each customer was given,
    /// dead-letters refusals, and seeks back any partition whose events did not all land.
    /// </summary>
    private void FinishInFlight(IngestionBatch? next)
    {
        if (_inFlight is not { } inFlight)
        {
            return;
        }

        _inFlight = null;
        var outcomes = inFlight.Calls.GetAwaiter().GetResult();
        var batch = inFlight.Batch;
        var rewind = new HashSet<string>(StringComparer.Ordinal);
        var rewindReasons = new Dictionary<string, string>(StringComparer.Ordinal);
        var pendingDeadLetters = new List<(string Stream, Task Write)>();
        var now = time.GetUtcNow().UtcDateTime;
        var dispatchedAt = time.GetTimestamp();

        foreach (var outcome in outcomes)
        {
            var events = batch.ByCustomer[outcome.CustomerId];
            if (outcome.Error is not null || outcome.Report!.HasGap)
            {
                var reason = outcome.Error is null ? "gap" : "call-failed";
                if (outcome.Error is not null)
                {
                    LogCallFailed(outcome.Error.GetType().Name, outcome.Error.Message);
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

            for (var i = 0; i < events.Events.Count; i++)
            {
                var sequenced = events.Events[i];
                if (_byStream.TryGetValue(sequenced.Position.Stream, out var partition))
                {
                    // One lookup per event on this hot path: the first pending event sets where and when it began.
                    ref var pending = ref CollectionsMarshal.GetValueRefOrAddDefault(partition.Pending, outcome.CustomerId, out var known);
                    pending = known
                        ? pending with { LastDispatched = sequenced.Position.Offset }
                        : new CustomerPending(sequenced.Position.Offset, sequenced.Position.Offset, dispatchedAt);
                    partition.Uncommitted.Enqueue((sequenced.Position.Offset, events.KafkaTimestamps[i]));
                }

                metrics.SinceOccurredAt.Observe(Math.Max(0, (now - sequenced.Event.OccurredAt.UtcDateTime).TotalSeconds));
                metrics.SinceKafkaTimestamp.Observe(Math.Max(0, (now - events.KafkaTimestamps[i]).TotalSeconds));
            }

            foreach (var rejection in report.Rejections)
            {
                if (batch.Messages.TryGetValue(rejection.Position, out var message))
                {
                    LogRejected(rejection.Reason, message.Topic, message.Partition.Value, message.Offset.Value, "refused by the customer rules");
                    pendingDeadLetters.Add((rejection.Position.Stream, deadLetters.PublishAsync(message, rejection.Reason, "refused by the customer rules")));
                }
            }
        }

        foreach (var (stream, write) in pendingDeadLetters)
        {
            if (!Succeeded(write))
            {
                rewind.Add(stream);
                rewindReasons[stream] = "dead-letter-failed";
            }
        }

        foreach (var (partition, write) in batch.DeadLetters)
        {
            if (!Succeeded(write) && _partitions.TryGetValue(partition, out var progress))
            {
                rewind.Add(progress.Stream);
                rewindReasons[progress.Stream] = "dead-letter-failed";
            }
        }

        foreach (var (partition, maxOffset) in batch.MaxOffsets)
        {
            if (_partitions.TryGetValue(partition, out var progress) && !rewind.Contains(progress.Stream))
            {
                progress.CompletedOffset = Math.Max(progress.CompletedOffset, maxOffset);
            }
        }

        if (rewind.Count > 0)
        {
            var partitions = new HashSet<TopicPartition>();
            foreach (var stream in rewind)
            {
                if (_byStream.TryGetValue(stream, out var progress))
                {
                    Rewind(progress, rewindReasons[stream]);
                    partitions.Add(progress.Partition);
                }
            }

            next?.Drop(rewind, partitions);
        }
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

    /// <summary>Seeks a partition back to its last commit; grains skip what they already hold.</summary>
    private void Rewind(PartitionProgress partition, string reason)
    {
        var offset = partition.CommittedOffset ?? partition.RestartOffset;
        metrics.Rewinds.WithLabels(reason).Inc();
        LogRewind(partition.Partition.Topic, partition.Partition.Partition.Value, offset ?? -1, reason);
        if (offset is { } o)
        {
            try
            {
                _consumer!.Seek(new TopicPartitionOffset(partition.Partition, new Offset(o)));
            }
            catch (KafkaException ex)
            {
                LogKafkaError(ex.Error.Code, ex.Error.Reason);
            }

            partition.ResetTo(o);
        }
        else
        {
            partition.Pending.Clear();
        }
    }

    private bool IsCheckpointDue() => time.GetTimestamp() >= _nextCheckpointAt;

    private void MaybeCheckpoint()
    {
        if (_checkpoint is { IsCompleted: true } finished)
        {
            _checkpoint = null;
            Settle(finished.GetAwaiter().GetResult());
        }

        if (_checkpoint is null && IsCheckpointDue())
        {
            var snapshot = Snapshot(_partitions.Values);
            _checkpoint = snapshot.Count == 0 ? null : RunCheckpointAsync(snapshot, DueCustomers(snapshot), force: false);
            _nextCheckpointAt = time.GetTimestamp() + ToTicks(_options.CheckpointInterval);
        }
    }

    private void WaitForCheckpoint()
    {
        if (_checkpoint is { } running)
        {
            _checkpoint = null;
            Settle(running.GetAwaiter().GetResult());
        }
    }

    /// <summary>Flushes and commits the given partitions before returning (revocation, shutdown); null when none needed it.</summary>
    private CheckpointResult? RunCheckpointNow(IReadOnlyCollection<PartitionProgress> partitions)
    {
        var snapshot = Snapshot(partitions);
        if (snapshot.Count == 0)
        {
            return null;
        }

        var result = RunCheckpointAsync(snapshot, [.. snapshot.SelectMany(s => s.LastDispatched.Keys).Distinct(StringComparer.Ordinal)], force: true).GetAwaiter().GetResult();
        Settle(result);
        return result;
    }

    private static List<PartitionSnapshot> Snapshot(IEnumerable<PartitionProgress> partitions) =>
        [.. partitions
            .Where(p => p.CompletedOffset >= 0 && (p.CommittedOffset is null || p.CompletedOffset + 1 > p.CommittedOffset))
            .Select(p => new PartitionSnapshot(
                p.Partition,
                p.Stream,
                p.CompletedOffset,
                p.Pending.ToDictionary(e => e.Key, e => e.Value.LastDispatched, StringComparer.Ordinal),
                p.Pending.ToDictionary(e => e.Key, e => e.Value.PendingFrom, StringComparer.Ordinal)))];

    /// <summary>
    /// Asks every customer holding uncommitted events for its watermarks (<paramref name="force"/>:
    /// write everything first, as when partitions leave this silo) and works out what to commit.
    /// </summary>
    private async Task<CheckpointResult> RunCheckpointAsync(List<PartitionSnapshot> snapshot, List<string> customers, bool force)
    {
        var started = Stopwatch.GetTimestamp();
        var reports = new System.Collections.Concurrent.ConcurrentDictionary<string, FlushReport>(StringComparer.Ordinal);
        var failures = 0;
        var unasked = 0;
        string? firstError = null;
        await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = _options.FlushConcurrency }, async (customerId, _) =>
        {
            if (_timeUp.IsCancellationRequested)
            {
                // Not asked: holds its partitions' commit where its unsaved events begin.
                Interlocked.Increment(ref unasked);
                return;
            }

            try
            {
                var customer = grains.GetGrain<ICustomerGrain>(customerId);
                reports[customerId] = force ? await customer.FlushAsync() : await customer.CheckpointAsync();
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref failures);
                Interlocked.CompareExchange(ref firstError, ex.GetType().Name + ": " + ex.Message, null);
            }
        });

        metrics.CheckpointDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return new CheckpointResult(snapshot, reports, failures, unasked, firstError);
    }

    /// <summary>Commits what the checkpoint proved durable; pauses and backs off if storage failed.</summary>
    private void Settle(CheckpointResult result)
    {
        var consumer = _consumer!;
        var checkpoints = new List<(PartitionProgress Progress, PartitionCheckpoint Checkpoint)>();
        foreach (var snapshot in result.Snapshot)
        {
            if (_partitions.TryGetValue(snapshot.Partition, out var progress))
            {
                checkpoints.Add((progress, PartitionCheckpoint.Evaluate(snapshot, progress.CommittedOffset, result.Reports)));
            }
        }

        var offsets = checkpoints
            .Where(c => c.Checkpoint.CommitOffset is not null)
            .Select(c => new TopicPartitionOffset(c.Progress.Partition, new Offset(c.Checkpoint.CommitOffset!.Value)))
            .ToList();
        if (offsets.Count > 0)
        {
            try
            {
                consumer.Commit(offsets);
                foreach (var (progress, checkpoint) in checkpoints)
                {
                    if (checkpoint.CommitOffset is { } committed)
                    {
                        progress.CommittedOffset = Math.Max(progress.CommittedOffset ?? 0, committed);
                        ObserveDurable(progress, committed - 1);
                    }
                }
            }
            catch (KafkaException ex)
            {
                // Local_State: the partition moved to another consumer meanwhile; it replays from the last commit.
                LogKafkaError(ex.Error.Code, ex.Error.Reason);
            }
        }

        foreach (var (progress, checkpoint) in checkpoints.Where(c => !c.Checkpoint.Lost))
        {
            Remember(progress, checkpoint);
        }

        foreach (var (progress, _) in checkpoints.Where(c => c.Checkpoint.Lost))
        {
            Rewind(progress, "lost-state");
        }

        if (result.Failures == 0)
        {
            metrics.Checkpoints.WithLabels("committed").Inc();
            _failedCheckpoints = 0;
            if (_paused)
            {
                consumer.Resume(consumer.Assignment);
                _paused = false;
                metrics.IngestionPaused.Set(0);
                LogResumed();
            }

            status.MarkStorageAvailable();
            return;
        }

        metrics.Checkpoints.WithLabels("failed").Inc();
        _failedCheckpoints++;
        var delay = RetryDelay(_failedCheckpoints);
        _nextCheckpointAt = time.GetTimestamp() + ToTicks(delay);
        status.MarkStorageUnavailable($"{result.Failures} customer flushes failed");
        LogCheckpointFailed(result.Failures, result.FirstError ?? "", delay.TotalSeconds);
        if (!_paused)
        {
            // Keep polling (group membership stays alive) but read nothing until state can be stored.
            consumer.Pause(consumer.Assignment);
            _paused = true;
            metrics.IngestionPaused.Set(1);
        }
    }

    /// <summary>
    /// The customers a checkpoint asks: those whose events have waited long enough for their
    /// own write-behind to have written them. The others hold their partitions' commit where
    /// their unsaved events begin, without a call.
    /// </summary>
    private List<string> DueCustomers(List<PartitionSnapshot> snapshot)
    {
        var dueBefore = time.GetTimestamp() - ToTicks(writeBehind.Value.MaxUnsavedAge);
        var due = new HashSet<string>(StringComparer.Ordinal);
        foreach (var partition in snapshot)
        {
            if (!_partitions.TryGetValue(partition.Partition, out var progress))
            {
                continue;
            }

            foreach (var customerId in partition.LastDispatched.Keys)
            {
                if (!progress.Pending.TryGetValue(customerId, out var pending) || pending.PendingSince <= dueBefore)
                {
                    due.Add(customerId);
                }
            }
        }

        return [.. due];
    }

    /// <summary>Forgets customers now durable through what they were given; the others stay pending from where they are not.</summary>
    private void Remember(PartitionProgress progress, PartitionCheckpoint checkpoint)
    {
        var now = time.GetTimestamp();
        foreach (var (customerId, given) in checkpoint.Durable)
        {
            if (!progress.Pending.TryGetValue(customerId, out var current))
            {
                continue;
            }

            if (current.LastDispatched == given)
            {
                progress.Pending.Remove(customerId);
            }
            else
            {
                // Given more since the snapshot: still pending, from after what is now durable.
                // Its newer events began after the write (when exactly is not known here: now is later, which is safe).
                progress.Pending[customerId] = current with { PendingFrom = given + 1, PendingSince = now };
            }
        }

        foreach (var (customerId, from) in checkpoint.StillPending)
        {
            if (progress.Pending.TryGetValue(customerId, out var known) && from > known.PendingFrom)
            {
                // Partly written (by an earlier write): what remains began after it.
                progress.Pending[customerId] = known with { PendingFrom = from, PendingSince = now };
            }
        }
    }

    private void ObserveDurable(PartitionProgress progress, long committedThrough)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // Batches complete in offset order, so the entries a commit covers are a prefix of the queue.
        while (progress.Uncommitted.TryPeek(out var entry) && entry.Offset <= committedThrough)
        {
            progress.Uncommitted.Dequeue();
            metrics.DurableLatency.Observe(Math.Max(0, (now - entry.KafkaTimestamp).TotalSeconds));
        }
    }

    private TimeSpan RetryDelay(int attempt)
    {
        var exponential = _options.InitialRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = Math.Min(exponential, _options.MaxRetryDelay.TotalMilliseconds);
        // Full jitter on the upper half keeps silos from retrying in lock-step.
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }

    private void MaybeUpdateLag()
    {
        var now = time.GetTimestamp();
        if (now < _nextLagUpdateAt || _consumer is null)
        {
            return;
        }

        _nextLagUpdateAt = now + ToTicks(TimeSpan.FromSeconds(2));
        foreach (var partition in _partitions.Values)
        {
            var watermarks = _consumer.GetWatermarkOffsets(partition.Partition);
            var position = partition.CompletedOffset + 1;
            if (watermarks.High.Value >= 0)
            {
                metrics.ConsumerLag
                    .WithLabels(partition.Partition.Topic, partition.Partition.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Set(Math.Max(0, watermarks.High.Value - Math.Max(position, partition.RestartOffset ?? 0)));
            }
        }
    }

    private PartitionProgress Track(TopicPartition partition)
    {
        var progress = new PartitionProgress(partition);
        _partitions[partition] = progress;
        _byStream[progress.Stream] = progress;
        return progress;
    }

    private void OnAssigned(List<TopicPartition> assigned)
    {
        foreach (var partition in assigned)
        {
            Track(partition);
        }

        if (_paused)
        {
            _consumer?.Pause(assigned);
        }

        LogAssigned(assigned.Count);
    }

    private void OnRevoked(List<TopicPartitionOffset> revoked)
    {
        // Settle what is in flight, then make the revoked partitions durable and commit them
        // so their next owner starts where this silo stopped.
        FinishInFlight(null);
        WaitForCheckpoint();
        var leaving = revoked.Select(r => r.TopicPartition).Where(_partitions.ContainsKey).Select(p => _partitions[p]).ToList();
        try
        {
            RunCheckpointNow(leaving);
        }
        catch (Exception ex)
        {
            LogShutdownCheckpointFailed(ex.GetType().Name);
        }

        Forget(leaving.Select(p => p.Partition));
    }

    private void OnLost(List<TopicPartitionOffset> lost)
    {
        FinishInFlight(null);
        Forget(lost.Select(l => l.TopicPartition));
    }

    private void Forget(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions.ToList())
        {
            if (_partitions.Remove(partition, out var progress))
            {
                _byStream.Remove(progress.Stream);
            }
        }
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private sealed record CustomerOutcome(string CustomerId, ApplyReport? Report, Exception? Error);

    private sealed record CheckpointResult(List<PartitionSnapshot> Snapshot, IReadOnlyDictionary<string, FlushReport> Reports, int Failures, int Unasked, string? FirstError);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingestion started on {Topics}")]
    private partial void LogStarted(string topics);

    [LoggerMessage(Level = LogLevel.Information, Message = "Assigned {Count} partitions")]
    private partial void LogAssigned(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected event at {Topic}[{Partition}]@{Offset}: {Reason} ({Detail})")]
    private partial void LogRejected(string reason, string topic, int partition, long offset, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Customer grain call failed ({ErrorType}: {Error}); its partitions will be re-delivered")]
    private partial void LogCallFailed(string errorType, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rewinding {Topic}[{Partition}] to offset {Offset} ({Reason})")]
    private partial void LogRewind(string topic, int partition, long offset, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checkpoint failed: {Failures} customer flushes failed (first: {Error}); ingestion paused, retrying in {DelaySeconds:F1}s")]
    private partial void LogCheckpointFailed(int failures, string error, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "State storage is back; ingestion resumed")]
    private partial void LogResumed();

    [LoggerMessage(Level = LogLevel.Information, Message = "Final checkpoint committed every applied event ({Customers} customers flushed)")]
    private partial void LogFinalCheckpoint(int customers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Final checkpoint left {Partitions} partitions behind their applied events ({Unasked} customers not written within Ingestion:FinalCheckpointTimeout {TimeoutSeconds:F0}s, {Failures} writes failed); those events are re-delivered at the next start")]
    private partial void LogFinalCheckpointIncomplete(int partitions, int unasked, double timeoutSeconds, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Final checkpoint failed ({ErrorType}); uncommitted events will be re-delivered")]
    private partial void LogShutdownCheckpointFailed(string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka: {Code} {Reason}")]
    private partial void LogKafkaError(Confluent.Kafka.ErrorCode code, string reason);
}

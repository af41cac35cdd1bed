using System.Collections.Concurrent;
using System.Diagnostics;
using Engine.Contracts;
using Engine.Grains;
using Engine.Silo.Metrics;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Runs checkpoints. Every <see cref="IngestionOptions.CheckpointInterval"/> it takes a snapshot
/// of the partitions and asks the customers holding events not known durable for their
/// watermarks, in the background while the loop goes on; once they answered,
/// <see cref="CheckpointCommit"/> commits behind them. After a failed checkpoint the next one
/// waits for the outage's backoff instead of the interval.
/// </summary>
internal sealed class Checkpointer(
    TrackedPartitions partitions,
    Func<string, ICustomerGrain> customers,
    CheckpointCommit commit,
    IngestionOptions options,
    WriteBehindOptions writeBehind,
    EngineMetrics metrics,
    TimeProvider time)
{
    private Task<CheckpointAnswers>? _running;

    // Cancelled when the final checkpoint's time is up: checkpoints then ask no more customers
    // and commit what the others made durable.
    private CancellationToken _timeUp;
    private long _nextAt = time.GetTimestamp() + time.TicksOf(options.CheckpointInterval);

    public bool IsDue => time.GetTimestamp() >= _nextAt;

    /// <summary>A checkpoint's customers have all answered; the next <see cref="MaybeRun"/> commits.</summary>
    public bool HasAnswers => _running is { IsCompleted: true };

    /// <summary>Commits what a finished checkpoint proved durable; starts the next one when due.</summary>
    public void MaybeRun()
    {
        if (_running is { IsCompleted: true } finished)
        {
            _running = null;
            Settle(finished.GetAwaiter().GetResult());
        }

        if (_running is null && IsDue)
        {
            var snapshot = Snapshot(partitions.Values);
            _nextAt = time.GetTimestamp() + time.TicksOf(options.CheckpointInterval);
            if (snapshot.Count > 0)
            {
                _running = AskAsync(snapshot, DueCustomers(snapshot), force: false);
            }
            else
            {
                // Nothing waits to be stored (a rebalance took every partition that did): an
                // outage has nothing left to retry, so ingestion resumes and the next
                // checkpoint tests storage again. Without this, paused partitions never resume.
                commit.NothingHeld();
            }
        }
    }

    /// <summary>Waits for a running checkpoint, if any, and commits what it proved.</summary>
    public void WaitForRunning()
    {
        if (_running is { } running)
        {
            _running = null;
            Settle(running.GetAwaiter().GetResult());
        }
    }

    /// <summary>
    /// Flushes every customer of the given partitions and commits them before returning
    /// (revocation, shutdown); null when none needed it. Once <paramref name="timeUp"/> is
    /// cancelled the customers not yet asked are left: they hold their partitions' commit.
    /// </summary>
    public CheckpointAnswers? RunNow(IEnumerable<PartitionProgress> leaving, CancellationToken timeUp = default)
    {
        var snapshot = Snapshot(leaving);
        if (snapshot.Count == 0)
        {
            return null;
        }

        _timeUp = timeUp;
        var answers = AskAsync(snapshot, [.. snapshot.SelectMany(s => s.LastDispatched.Keys).Distinct(StringComparer.Ordinal)], force: true).GetAwaiter().GetResult();
        Settle(answers);
        return answers;
    }

    /// <summary>Partitions still holding events not known durable.</summary>
    public int PartitionsBehind(IEnumerable<PartitionProgress> of) => Snapshot(of).Count;

    private void Settle(CheckpointAnswers answers)
    {
        if (commit.Settle(answers) is { } retryDelay)
        {
            _nextAt = time.GetTimestamp() + time.TicksOf(retryDelay);
        }
    }

    private static List<PartitionSnapshot> Snapshot(IEnumerable<PartitionProgress> of) =>
        [.. of.Select(p => p.Snapshot()).OfType<PartitionSnapshot>()];

    /// <summary>
    /// Asks the customers for their watermarks (<paramref name="force"/>: write everything
    /// first, as when partitions leave this silo), a bounded number at once.
    /// </summary>
    private async Task<CheckpointAnswers> AskAsync(List<PartitionSnapshot> snapshot, List<string> asked, bool force)
    {
        var started = Stopwatch.GetTimestamp();
        var reports = new ConcurrentDictionary<string, FlushReport>(StringComparer.Ordinal);
        var failures = 0;
        var unasked = 0;
        string? firstError = null;
        await Parallel.ForEachAsync(asked, new ParallelOptions { MaxDegreeOfParallelism = options.FlushConcurrency }, async (customerId, _) =>
        {
            if (_timeUp.IsCancellationRequested)
            {
                // Not asked: holds its partitions' commit where its unsaved events begin.
                Interlocked.Increment(ref unasked);
                return;
            }

            try
            {
                var customer = customers(customerId);
                reports[customerId] = force ? await customer.FlushAsync() : await customer.CheckpointAsync();
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref failures);
                Interlocked.CompareExchange(ref firstError, ex.GetType().Name + ": " + ex.Message, null);
            }
        });

        metrics.CheckpointDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return new CheckpointAnswers(snapshot, reports, failures, firstError, unasked);
    }

    /// <summary>
    /// The customers a checkpoint asks: those whose events have waited long enough for their
    /// own write-behind to have written them. The others hold their partitions' commit where
    /// their unsaved events begin, without a call.
    /// </summary>
    private List<string> DueCustomers(List<PartitionSnapshot> snapshot)
    {
        var dueBefore = time.GetTimestamp() - time.TicksOf(writeBehind.MaxUnsavedAge);
        var due = new HashSet<string>(StringComparer.Ordinal);
        foreach (var partition in snapshot)
        {
            if (!partitions.TryGet(partition.Partition, out var progress))
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
}

/// <summary>What a checkpoint's customers answered: their reports, how many failed (their writes failed), and how many were not asked (time was up).</summary>
internal sealed record CheckpointAnswers(List<PartitionSnapshot> Snapshot, IReadOnlyDictionary<string, FlushReport> Reports, int Failures, string? FirstError, int Unasked = 0);

using System.Diagnostics;
using Engine.Benchmarks.Producing;

namespace Engine.Benchmarks;

/// <summary>Turns row 4's marks into measured windows.</summary>
internal sealed class DurableWindows(List<DurableMark> marks, List<DurableSample> samples, LatencySamples latencies)
{
    // The probe sees a commit up to a poll later than the mark taken right after it.
    private static readonly TimeSpan ProbeLag = TimeSpan.FromMilliseconds(400);

    public DurableWindow Between(string name, DurableMark start, DurableMark end, double? offered, string note)
    {
        var events = end.Applied - start.Applied;
        var measurement = end.Process.Since(start.Process, name, events, note);
        var postgresCpu = end.PostgresCpu - start.PostgresCpu;
        var clientsCpu = end.ClientsCpu - start.ClientsCpu;
        measurement = measurement with { OtherProcessesCpu = measurement.OtherProcessesCpu - postgresCpu - clientsCpu };

        // Checkpoints completed inside the window, with how long each took to flush and commit.
        var inside = marks.Where(m => m.At > start.At && m.At <= end.At).ToList();
        var durations = new List<double>();
        long duringCheckpoints = 0, appliedDuringCheckpoints = 0;
        double checkpointSeconds = 0;
        foreach (var mark in inside)
        {
            var before = marks.LastOrDefault(m => m.At < mark.At);
            var seconds = before is null ? double.NaN : mark.CheckpointDuration.Sum - before.CheckpointDuration.Sum;
            durations.Add(seconds);
            if (!double.IsNaN(seconds))
            {
                checkpointSeconds += seconds;
                var from = mark.At - (long)(seconds * Stopwatch.Frequency);
                var at = At(from);
                duringCheckpoints += mark.StateWrites - at.Writes;
                appliedDuringCheckpoints += mark.Applied - at.Applied;
            }
        }

        // Writes outside the checkpoints' flushes come from effects (tier changes, SMS) and
        // wake-ups; the same rate is assumed during the flushes to split those windows.
        var elapsed = Stopwatch.GetElapsedTime(start.At, end.At);
        var stateWrites = end.StateWrites - start.StateWrites;
        var outsideSeconds = Math.Max(1e-9, elapsed.TotalSeconds - checkpointSeconds);
        var effectRate = (stateWrites - duringCheckpoints) / outsideSeconds;
        var fromCheckpoints = Math.Max(0, duringCheckpoints - effectRate * checkpointSeconds);

        // Shifted by the probe's lag, so the window holds exactly the commits of its checkpoints.
        var lag = (long)(ProbeLag.TotalSeconds * Stopwatch.Frequency);
        var windowLatencies = offered is null ? [] : latencies.Between(start.At + lag, end.At + lag);
        Array.Sort(windowLatencies);
        var customerRows = end.Database.StateWritesOf("customer") - start.Database.StateWritesOf("customer");
        return new DurableWindow(
            measurement,
            offered,
            inside.Count,
            [.. durations],
            stateWrites,
            fromCheckpoints,
            customerRows,
            end.Database.StateWrites - start.Database.StateWrites - customerRows,
            end.Database.ReminderWrites - start.Database.ReminderWrites,
            end.Database.WalBytes - start.Database.WalBytes,
            end.Database.WalSyncs - start.Database.WalSyncs,
            end.StateTransactions - start.StateTransactions,
            end.StateTransactionRows - start.StateTransactionRows,
            postgresCpu,
            clientsCpu,
            end.Threads.Since(start.Threads, elapsed, top: 6).ToList(),
            end.TierChanges - start.TierChanges,
            end.SmsSent - start.SmsSent,
            windowLatencies,
            end.Durable.Minus(start.Durable),
            end.TierChangePublished.Minus(start.TierChangePublished),
            end.SmsAccepted.Minus(start.SmsAccepted),
            end.CartReminderAccepted.Minus(start.CartReminderAccepted),
            end.Produced - end.Applied,
            checkpointSeconds > 0 ? appliedDuringCheckpoints / checkpointSeconds : double.NaN,
            (events - appliedDuringCheckpoints) / outsideSeconds);
    }

    private DurableSample At(long at)
    {
        // Samples are in time order; the last one at or before the instant.
        var index = samples.BinarySearch(new DurableSample(at, long.MaxValue, long.MaxValue), Comparer<DurableSample>.Create((a, b) => a.At.CompareTo(b.At)));
        index = index >= 0 ? index : ~index - 1;
        return index >= 0 ? samples[index] : new DurableSample(at, 0, 0);
    }
}

/// <summary>Counters every 10 ms, to split a window into checkpoint flushes and the time between.</summary>
internal sealed record DurableSample(long At, long Writes, long Applied);

/// <summary>Everything read at one instant (each checkpoint's commit, and the start).</summary>
internal sealed record DurableMark(
    string Phase,
    long At,
    ProcessSnapshot Process,
    ThreadCpu Threads,
    TimeSpan PostgresCpu,
    TimeSpan ClientsCpu,
    DatabaseWrites Database,
    long Applied,
    long StateWrites,
    long StateTransactions,
    long StateTransactionRows,
    double Checkpoints,
    HistogramSnapshot CheckpointDuration,
    HistogramSnapshot Durable,
    HistogramSnapshot TierChangePublished,
    HistogramSnapshot SmsAccepted,
    HistogramSnapshot CartReminderAccepted,
    long TierChanges,
    long SmsSent,
    long Produced);

/// <summary>Row 4's measurements; a window is null when its phase did not get a checkpoint in.</summary>
internal sealed record DurableResult(
    DurableWindow Total,
    DurableWindow? Saturated,
    DurableWindow? Live,
    DurableWindow? Stress,
    int Partitions,
    string PostgresSettings,
    string PostgresVersion,
    string Failure,
    string Skipped,
    long ProducerMostBehind,
    long ProducerFailed,
    long Rewinds,
    long Duplicates,
    long FailedCheckpoints,
    string TierChangesByKind,
    int SmsBacklogAtEnd,
    IReadOnlyList<StatementCost> Statements,
    string StoredState)
{
    public bool Incomplete => Failure.Length > 0 || Saturated is null || Live is null;

    public IEnumerable<DurableWindow> Windows => new[] { Saturated, Live, Stress }.OfType<DurableWindow>();
}

/// <summary>One measured window of row 4, from one checkpoint's commit to a later one's.</summary>
internal sealed record DurableWindow(
    Measurement Measurement,
    double? OfferedRate,
    int Checkpoints,
    double[] CheckpointSeconds,
    long StateWrites,
    double StateWritesFromCheckpoints,
    long CustomerRowWrites,
    long OtherGrainRowWrites,
    long ReminderRowWrites,
    long WalBytes,
    long WalSyncs,
    long StateTransactions,
    long StateTransactionRows,
    TimeSpan PostgresCpu,
    TimeSpan ClientsCpu,
    IReadOnlyList<(string Group, double Cores)> BusiestThreads,
    long TierChanges,
    long SmsSent,
    double[] Latencies,
    HistogramSnapshot Histogram,
    HistogramSnapshot TierChangeLatency,
    HistogramSnapshot SmsLatency,
    HistogramSnapshot CartReminderLatency,
    long BehindAtEnd,
    double RateDuringCheckpoints,
    double RateBetweenCheckpoints)
{
    public long Events => Measurement.Events;

    public double Seconds => Measurement.Elapsed.TotalSeconds;

    public double PerEvent(double value) => Events > 0 ? value / Events : double.NaN;

    /// <summary>All rows written to the database: grain state (customers, phone directory) and reminders.</summary>
    public long DatabaseWrites => CustomerRowWrites + OtherGrainRowWrites + ReminderRowWrites;

    /// <summary>Exact quantile (nearest rank) of the probe's latencies; NaN without samples.</summary>
    public double Latency(double q) => Latencies.Length == 0 ? double.NaN : Latencies[Math.Clamp((int)Math.Ceiling(q * Latencies.Length) - 1, 0, Latencies.Length - 1)];
}

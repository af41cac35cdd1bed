using System.Diagnostics;

namespace Engine.Benchmarks;

/// <summary>
/// Process-wide counters at one instant: wall clock, CPU time (managed and native threads,
/// so librdkafka's are included), bytes allocated on the managed heap, GC counts, Orleans
/// calls, and the whole machine's busy CPU time (to see other processes competing).
/// </summary>
internal readonly record struct ProcessSnapshot(long Timestamp, TimeSpan Cpu, long Allocated, int Gen0, int Gen1, int Gen2, long OrleansRequests, TimeSpan MachineBusy, TimeSpan GcPaused)
{
    public static ProcessSnapshot Take()
    {
        using var process = Process.GetCurrentProcess();
        return new ProcessSnapshot(
            Stopwatch.GetTimestamp(),
            process.TotalProcessorTime,
            GC.GetTotalAllocatedBytes(precise: true),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            Benchmarks.OrleansRequests.Count,
            MachineCpu.Busy(),
            GC.GetTotalPauseDuration());
    }

    /// <summary>What happened between <paramref name="start"/> and this snapshot, for <paramref name="events"/> events.</summary>
    public Measurement Since(ProcessSnapshot start, string name, long events, string note = "") => new(
        name,
        events,
        Stopwatch.GetElapsedTime(start.Timestamp, Timestamp),
        Cpu - start.Cpu,
        Allocated - start.Allocated,
        Gen0 - start.Gen0,
        Gen1 - start.Gen1,
        Gen2 - start.Gen2,
        OrleansRequests - start.OrleansRequests,
        MachineBusy - start.MachineBusy - (Cpu - start.Cpu),
        note)
    {
        GcPaused = GcPaused - start.GcPaused,
    };
}

/// <summary>One row of the results table.</summary>
internal sealed record Measurement(
    string Name,
    long Events,
    TimeSpan Elapsed,
    TimeSpan Cpu,
    long Allocated,
    int Gen0,
    int Gen1,
    int Gen2,
    long OrleansRequests,
    TimeSpan OtherProcessesCpu,
    string Note)
{
    /// <summary>Average cores other processes kept busy meanwhile: anything well above 0 disturbs the row.</summary>
    public double OtherProcessesCores => Elapsed.TotalSeconds > 0 ? Math.Max(0, OtherProcessesCpu.TotalSeconds / Elapsed.TotalSeconds) : 0;

    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? Events / Elapsed.TotalSeconds : 0;

    public double CpuMicrosecondsPerEvent => Events > 0 ? Cpu.TotalMicroseconds / Events : 0;

    public double AllocatedBytesPerEvent => Events > 0 ? (double)Allocated / Events : 0;

    /// <summary>True when the run did not reach the expected count (timed out or lost events).</summary>
    public bool Incomplete { get; init; }

    /// <summary>How long the GC held the managed threads still during the row.</summary>
    public TimeSpan GcPaused { get; init; }

    public double GcPausedShare => Elapsed.TotalSeconds > 0 ? GcPaused.TotalSeconds / Elapsed.TotalSeconds : 0;
}

/// <summary>The machine's busy CPU time from /proc/stat (all processes), or zero where there is none.</summary>
internal static class MachineCpu
{
    // /proc/stat counts in USER_HZ, 100 on Linux.
    private const double TicksPerSecond = 100;

    public static TimeSpan Busy()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var fields = reader.ReadLine()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            foreach (var index in (int[])[1, 2, 3, 6, 7, 8])
            {
                busy += long.Parse(fields[index], System.Globalization.CultureInfo.InvariantCulture);
            }

            return TimeSpan.FromSeconds(busy / TicksPerSecond);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }
}

/// <summary>Starts a row on a clean heap, so it does not pay for the previous row's garbage.</summary>
internal static class GarbageCollection
{
    public static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}

using System.Diagnostics;
using Engine.Silo.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Engine.Benchmarks;

/// <summary>
/// Row 2: the engine as deployed. A silo starts, its ingestion joins a new group, reads the
/// pre-produced events and applies them in the customer grains; done when the silo's own
/// <see cref="EngineMetrics.EventsApplied"/> reaches the event count.
/// </summary>
internal static class EngineIngestionRun
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Returns the whole run from host start (silo start-up included) and the rate over the
    /// measured events: from the first poll that sees more than the warm-up count applied (or
    /// any event, without warm-up) to the last.
    /// </summary>
    public static async Task<(Measurement Total, Measurement Steady)> RunAsync(EventCorpus corpus, BenchmarkOptions options)
    {
        var expected = corpus.Total;
        var warmup = corpus.Warmup.Count;
        var host = BenchmarkSilo.Build(corpus.BootstrapServers, options, ingestion: true);
        var metrics = host.Services.GetRequiredService<EngineMetrics>();
        var writes = host.Services.GetService<Engine.Grains.CustomerStateWrites>();
        long writesAtFirst = 0, writesAtEnd = 0;

        ProcessSnapshot start, end;
        ProcessSnapshot? first = null;
        ThreadCpu threadsAtFirst = ThreadCpu.Empty, threadsAtEnd = ThreadCpu.Empty;
        TimeSpan siloStart;
        long firstApplied = 0, applied = 0, duplicates;
        double rewinds;
        try
        {
            start = ProcessSnapshot.Take();
            await host.StartAsync();
            siloStart = Stopwatch.GetElapsedTime(start.Timestamp);

            var deadline = Stopwatch.GetTimestamp() + (long)(options.Timeout.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                applied = (long)metrics.EventsApplied.Value;
                if (applied > warmup && first is null)
                {
                    first = ProcessSnapshot.Take();
                    threadsAtFirst = ThreadCpu.Take();
                    firstApplied = applied;
                    writesAtFirst = writes?.Succeeded ?? 0;
                }

                if (applied >= expected)
                {
                    break;
                }

                await Task.Delay(PollInterval);
            }

            end = ProcessSnapshot.Take();
            threadsAtEnd = ThreadCpu.Take();
            writesAtEnd = writes?.Succeeded ?? 0;
            duplicates = (long)metrics.EventsDuplicate.Value;
            rewinds = metrics.Rewinds.GetAllLabelValues().Sum(labels => metrics.Rewinds.WithLabels(labels).Value);
        }
        finally
        {
            await BenchmarkSilo.StopAsync(host);
        }

        var incomplete = applied < expected;
        var problems = (incomplete ? $"TIMED OUT at {applied} of {expected}; " : "")
            + (duplicates > 0 ? $"{duplicates} duplicates; " : "")
            + (rewinds > 0 ? $"{rewinds} rewinds; " : "");
        var total = end.Since(start, "2  engine: Kafka → grains, from host start", applied,
            $"{problems}includes silo start-up ({siloStart.TotalSeconds:F2} s) and group join") with { Incomplete = incomplete };
        var steady = first is { } f
            ? end.Since(f, "2  engine: Kafka → grains, steady", applied - firstApplied,
                $"{problems}from {firstApplied} applied ({(warmup > 0 ? $"{warmup} warm-up events" : "first batch")}), {Stopwatch.GetElapsedTime(start.Timestamp, f.Timestamp).TotalSeconds:F2} s after host start; {writesAtEnd - writesAtFirst} state writes; "
                + "cores by thread: " + string.Join(", ", threadsAtEnd.Since(threadsAtFirst, Stopwatch.GetElapsedTime(f.Timestamp, end.Timestamp), top: 6).Select(g => $"{g.Group} {g.Cores:F2}"))) with { Incomplete = incomplete }
            : total;
        return (total, steady);
    }
}

using System.Text;
using Engine.Domain.Events;

namespace Engine.Benchmarks;

/// <summary>
/// Row 3: the grains without Kafka. The same simulated stream (other customer ids, so no
/// grain skips anything as a duplicate) is parsed first, then applied to an
/// <see cref="InProcessApplySilo"/>: a cold pass (activates every customer) and a warm pass
/// over the same customers.
/// </summary>
internal static class InProcessApplyRun
{
    private const string Stream = "bench/0";

    public static async Task<(Measurement Parse, Measurement Cold, Measurement Warm, TimeSpan Flush, int Flushed)> RunAsync(EventCorpus corpus, BenchmarkOptions options)
    {
        var count = corpus.Events.Count;
        // Same seed and customers as the Kafka rows: the first half is the same events for "inproc-" customers.
        var simulated = EventCorpus.Simulate(count * 2, options.Customers, options.Seed, "inproc-", options.Stream);
        var keys = simulated.Select(e => Encoding.UTF8.GetBytes(e.CustomerId)).ToArray();
        var warmupEvents = EventCorpus.Simulate(options.Warmup, options.Customers, options.Seed + 1, "inproc-warm-", options.Stream);

        await using var silo = InProcessApplySilo.Build(corpus.BootstrapServers, options, rowSettings: null);
        var parser = silo.Parser;
        var warmupKeys = warmupEvents.Select(e => Encoding.UTF8.GetBytes(e.CustomerId)).ToArray();

        // Until a whole pass compiles nothing more: on a busy machine the tiered JIT's background
        // thread can leave the parser in its instrumented tier well past one warm-up pass.
        for (var pass = 0; pass < 10; pass++)
        {
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            for (var i = 0; i < warmupEvents.Count; i++)
            {
                parser.Parse(warmupKeys[i], warmupEvents[i].Json);
            }

            if (System.Runtime.JitInfo.GetCompiledMethodCount() == compiled)
            {
                break;
            }
        }

        GarbageCollection.Settle();
        var parseStart = ProcessSnapshot.Take();
        // On a thread of its own, so the row can say what parsing itself costs: the process's
        // CPU also holds the idle embedded broker's and the GC's threads. The events are dropped
        // as the ingestion drops them once applied: keeping 200,000 of them alive here would
        // measure the GC promoting them (4 × the parse itself), not parsing.
        var refused = 0;
        var parsingThreadCpu = ThreadCpu.OfThread(() =>
        {
            for (var i = 0; i < count; i++)
            {
                refused += parser.Parse(keys[i], simulated[i].Json).IsValid ? 0 : 1;
            }
        });
        var parseProcess = ProcessSnapshot.Take().Since(parseStart, "   parse only (EventParser)", count);
        var parse = parseProcess with
        {
            Cpu = parsingThreadCpu,
            Note = $"JSON → events, dropped once read; CPU of the parsing thread (process: {parseProcess.CpuMicrosecondsPerEvent:F2} µs/event){(refused > 0 ? $"; {refused} refused" : "")}",
        };

        var parsed = new SequencedEvent[simulated.Count];
        for (var i = 0; i < simulated.Count; i++)
        {
            parsed[i] = silo.Sequence(keys[i], simulated[i], Stream, i);
        }

        var cold = silo.Batches(parsed.AsSpan(0, count));
        var warm = silo.Batches(parsed.AsSpan(count));

        await silo.StartAsync(options, prepare: null);
        GarbageCollection.Settle();
        await InProcessApplySilo.JitQuietAsync();
        var writesBefore = silo.Writes;
        var coldRun = await silo.ApplyAsync(cold, count, "3  in-process → grains, cold", $"activates {options.Customers} grains; {InProcessApplySilo.Describe(cold)}");
        var writesCold = silo.Writes - writesBefore;
        GarbageCollection.Settle();
        await InProcessApplySilo.JitQuietAsync();
        var warmRun = await silo.ApplyAsync(warm, count, "3' in-process → grains, warm", $"next {count} events, grains already active; {InProcessApplySilo.Describe(warm)}");
        var writesWarm = silo.Writes - writesBefore - writesCold;
        coldRun = coldRun with { Note = coldRun.Note + $"; {writesCold} state writes; {silo.WarmupNote}" };
        warmRun = warmRun with { Note = warmRun.Note + $"; {writesWarm} state writes" };
        // What the ingestion's checkpoint does; also keeps shutdown from writing to storage grains already gone.
        var (flush, flushed) = await silo.FlushAsync();
        return (parse, coldRun, warmRun, flush, flushed);
    }
}

using System.Text;
using Engine.Contracts;
using Engine.Domain.Events;
using Engine.Silo.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Engine.Benchmarks;

/// <summary>
/// Row 3: the grains without Kafka. The same simulated stream (other customer ids, so no
/// grain skips anything as a duplicate) is parsed first, then applied in batches shaped as
/// the ingestion shapes them: up to MaxBatchEvents per batch, one call per customer per
/// batch (split at MaxEventsPerCall), customers in parallel, batches one after another.
/// </summary>
internal static class InProcessApplyRun
{
    private const string Stream = "bench/0";
    private const string WarmupStream = "bench/warmup";

    // A grain warm-up pass that compiles at most this many methods counts as settled: Orleans'
    // own timers keep compiling a few methods now and then, so "none" may never come.
    private const int SettledCompilations = 100;
    private const int MaxGrainWarmupPasses = 12;

    /// <summary>
    /// After an unmeasured warm-up on other customers: parse only, then a cold pass
    /// (activates every customer) and a warm pass over the same customers.
    /// </summary>
    /// <param name="corpus">The produced events (their broker also takes the silo's effects).</param>
    /// <param name="options">The run's options.</param>
    /// <param name="row">The row's label (3; 5a and 5b for the value model comparison).</param>
    /// <param name="rowSettings">The row's own silo configuration.</param>
    /// <param name="prepare">Run once the silo started, before the warm-up (e.g. load a value model).</param>
    public static async Task<(Measurement Parse, Measurement Cold, Measurement Warm, TimeSpan Flush, int Flushed)> RunAsync(
        EventCorpus corpus, BenchmarkOptions options, string row = "3", IReadOnlyDictionary<string, string>? rowSettings = null, Action<IServiceProvider>? prepare = null)
    {
        var count = corpus.Events.Count;
        // Same seed and customers as the Kafka rows: the first half is the same events for "inproc-" customers.
        var simulated = EventCorpus.Simulate(count * 2, options.Customers, options.Seed, "inproc-", options.Stream);
        var keys = simulated.Select(e => Encoding.UTF8.GetBytes(e.CustomerId)).ToArray();
        var warmupEvents = EventCorpus.Simulate(options.Warmup, options.Customers, options.Seed + 1, "inproc-warm-", options.Stream);

        var host = BenchmarkSilo.Build(corpus.BootstrapServers, options, ingestion: false, rowSettings);
        var ingestion = host.Services.GetRequiredService<IOptions<IngestionOptions>>().Value;
        var parser = new EventParser(ingestion.MaxEventBytes, ingestion.Bounds);
        var warmupKeys = warmupEvents.Select(e => Encoding.UTF8.GetBytes(e.CustomerId)).ToArray();
        var warmup = new SequencedEvent[warmupEvents.Count];
        for (var i = 0; i < warmup.Length; i++)
        {
            warmup[i] = Sequence(parser, warmupKeys[i], warmupEvents[i], WarmupStream, i);
        }

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
        var parsed = new SequencedEvent[simulated.Count];
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
        for (var i = 0; i < simulated.Count; i++)
        {
            parsed[i] = Sequence(parser, keys[i], simulated[i], Stream, i);
        }

        var cold = Batches(parsed.AsSpan(0, count), ingestion.MaxBatchEvents);
        var warm = Batches(parsed.AsSpan(count), ingestion.MaxBatchEvents);

        await host.StartAsync();
        try
        {
            prepare?.Invoke(host.Services);
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var writes = host.Services.GetService<Engine.Grains.CustomerStateWrites>();
            var warmedCustomers = new HashSet<string>(warmupEvents.Select(e => e.CustomerId), StringComparer.Ordinal);
            var warmupNote = await WarmUpGrainsAsync(grains, parser, warmup, options, ingestion, warmedCustomers);

            GarbageCollection.Settle();
            await JitQuietAsync();
            var writesBefore = writes?.Succeeded ?? 0;
            var coldRun = await ApplyAsync(grains, cold, ingestion.MaxEventsPerCall, count,
                $"{row,-2} in-process → grains, cold", $"activates {options.Customers} grains; {Describe(cold)}");
            var writesCold = (writes?.Succeeded ?? 0) - writesBefore;
            GarbageCollection.Settle();
            await JitQuietAsync();
            var warmRun = await ApplyAsync(grains, warm, ingestion.MaxEventsPerCall, count,
                $"{row}' in-process → grains, warm", $"next {count} events, grains already active; {Describe(warm)}");
            var writesWarm = (writes?.Succeeded ?? 0) - writesBefore - writesCold;
            coldRun = coldRun with { Note = coldRun.Note + $"; {writesCold} state writes; {warmupNote}" };
            warmRun = warmRun with { Note = warmRun.Note + $"; {writesWarm} state writes" };
            // What the ingestion's checkpoint does; also keeps shutdown from writing to storage grains already gone.
            var flushStart = System.Diagnostics.Stopwatch.GetTimestamp();
            var customers = simulated.Select(e => e.CustomerId).Concat(warmedCustomers).Distinct().ToList();
            await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = ingestion.FlushConcurrency },
                async (customerId, _) => await grains.GetGrain<ICustomerGrain>(customerId).FlushAsync());
            var flush = System.Diagnostics.Stopwatch.GetElapsedTime(flushStart);
            return (parse, coldRun, warmRun, flush, customers.Count);
        }
        finally
        {
            await BenchmarkSilo.StopAsync(host);
        }
    }

    /// <summary>
    /// Applies warm-up passes, each on customers of its own (so nothing is skipped as a
    /// duplicate), until a pass leaves the JIT with next to nothing to compile: measured alone,
    /// one pass left the grains' code in the early tiers and row 3 read 3-4 × slower than after
    /// rows 1 and 2 had warmed the process, which made a before/after comparison of the grains
    /// measure the JIT rather than the code.
    /// </summary>
    private static async Task<string> WarmUpGrainsAsync(IGrainFactory grains, EventParser parser, SequencedEvent[] first, BenchmarkOptions options, IngestionOptions ingestion, HashSet<string> warmedCustomers)
    {
        if (first.Length == 0)
        {
            return "no warm-up";
        }

        var compiled = new List<long>();
        var events = first;
        for (var pass = 0; pass < MaxGrainWarmupPasses; pass++)
        {
            if (pass > 0)
            {
                var simulated = EventCorpus.Simulate(options.Warmup, options.Customers, options.Seed + 1 + pass, $"inproc-warm{pass}-", options.Stream);
                warmedCustomers.UnionWith(simulated.Select(e => e.CustomerId));
                events = new SequencedEvent[simulated.Count];
                for (var i = 0; i < events.Length; i++)
                {
                    events[i] = Sequence(parser, Encoding.UTF8.GetBytes(simulated[i].CustomerId), simulated[i], WarmupStream + pass, i);
                }
            }

            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            await ApplyAsync(grains, Batches(events, ingestion.MaxBatchEvents), ingestion.MaxEventsPerCall, events.Length, "warm-up", "");
            compiled.Add(System.Runtime.JitInfo.GetCompiledMethodCount() - before);
            if (compiled[^1] <= SettledCompilations)
            {
                break;
            }
        }

        // The passes above activate new customers only; warm customers take other paths (a
        // repeat buyer's forecast, leaving a segment, a change's answer from the dispatcher),
        // which 5b' otherwise compiled inside its window (43-55 ms of a 60-90 ms pass).
        var returning = EventCorpus.Simulate(options.Warmup * 2, options.Customers, options.Seed + 100, "inproc-warmr-", options.Stream);
        warmedCustomers.UnionWith(returning.Select(e => e.CustomerId));
        var sequenced = new SequencedEvent[returning.Count];
        for (var i = 0; i < sequenced.Length; i++)
        {
            sequenced[i] = Sequence(parser, Encoding.UTF8.GetBytes(returning[i].CustomerId), returning[i], WarmupStream + "r", i);
        }

        var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        await ApplyAsync(grains, Batches(sequenced.AsSpan(0, options.Warmup), ingestion.MaxBatchEvents), ingestion.MaxEventsPerCall, options.Warmup, "warm-up", "");
        await ApplyAsync(grains, Batches(sequenced.AsSpan(options.Warmup), ingestion.MaxBatchEvents), ingestion.MaxEventsPerCall, sequenced.Length - options.Warmup, "warm-up", "");
        var returningCompiled = System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore;

        var settled = compiled[^1] <= SettledCompilations ? "settled" : "NOT SETTLED";
        return $"grain warm-up {settled} after {compiled.Count} × {first.Length:N0} events (methods compiled per pass: {string.Join(", ", compiled)}), then {sequenced.Length:N0} events to {options.Customers:N0} customers cold and warm ({returningCompiled} methods)";
    }

    /// <summary>
    /// Waits (at most 5 s) until the JIT compiled nothing for a quarter of a second: code a pass
    /// used often enough is recompiled at its optimised tier on a background thread, and row 5
    /// measured 130-240 ms of that in its 0.1-0.2 s warm window of 5b' (the segment and
    /// publication code first used in 5b's cold pass), none in 5a'.
    /// </summary>
    private static async Task JitQuietAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        var before = System.Runtime.JitInfo.GetCompilationTime();
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            var now = System.Runtime.JitInfo.GetCompilationTime();
            if (now == before)
            {
                return;
            }

            before = now;
        }
    }

    private static SequencedEvent Sequence(EventParser parser, byte[] key, Silo.Demo.SimulatedEvent simulated, string stream, long offset)
    {
        var result = parser.Parse(key, simulated.Json);
        var e = result.Event ?? throw new InvalidOperationException($"the simulation produced an event the parser refuses: {result.Reason} ({result.Detail})");
        return new SequencedEvent(e, new EventPosition(stream, offset));
    }

    /// <summary>Consecutive events in batches of <paramref name="maxBatchEvents"/>, each grouped by customer in order.</summary>
    private static List<List<(string CustomerId, List<SequencedEvent> Events)>> Batches(ReadOnlySpan<SequencedEvent> events, int maxBatchEvents)
    {
        var batches = new List<List<(string, List<SequencedEvent>)>>();
        for (var start = 0; start < events.Length; start += maxBatchEvents)
        {
            var byCustomer = new Dictionary<string, List<SequencedEvent>>(StringComparer.Ordinal);
            foreach (var e in events.Slice(start, Math.Min(maxBatchEvents, events.Length - start)))
            {
                if (!byCustomer.TryGetValue(e.Event.CustomerId, out var list))
                {
                    byCustomer[e.Event.CustomerId] = list = [];
                }

                list.Add(e);
            }

            batches.Add([.. byCustomer.Select(pair => (pair.Key, pair.Value))]);
        }

        return batches;
    }

    private static string Describe(List<List<(string CustomerId, List<SequencedEvent> Events)>> batches)
    {
        var calls = batches.Sum(b => b.Count);
        var events = batches.Sum(b => b.Sum(c => c.Events.Count));
        return $"{batches.Count} batches, {calls} calls, {(double)events / calls:F1} events/call";
    }

    private static async Task<Measurement> ApplyAsync(
        IGrainFactory grains,
        List<List<(string CustomerId, List<SequencedEvent> Events)>> batches,
        int maxEventsPerCall,
        int expected,
        string name,
        string note)
    {
        var start = ProcessSnapshot.Take();
        // The JIT's background work counts in the process's CPU: named in the note, so a short
        // window that still tiered up code (first used in the cold pass) can be told apart.
        var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
        long applied = 0;
        foreach (var batch in batches)
        {
            var calls = new Task<int>[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                calls[i] = ApplyCustomerAsync(grains.GetGrain<ICustomerGrain>(batch[i].CustomerId), batch[i].Events, maxEventsPerCall);
            }

            foreach (var n in await Task.WhenAll(calls))
            {
                applied += n;
            }
        }

        var end = ProcessSnapshot.Take();
        var jit = $"; JIT {System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore} methods, {(System.Runtime.JitInfo.GetCompilationTime() - jitBefore).TotalMilliseconds:F0} ms";
        var incomplete = applied != expected;
        return end.Since(start, name, applied, (incomplete ? $"APPLIED {applied} of {expected}; " : "") + note + jit) with { Incomplete = incomplete };
    }

    /// <summary>One customer's events of a batch, in calls of at most <paramref name="maxEventsPerCall"/>, in order.</summary>
    private static async Task<int> ApplyCustomerAsync(ICustomerGrain grain, List<SequencedEvent> events, int maxEventsPerCall)
    {
        if (events.Count <= maxEventsPerCall)
        {
            return (await grain.ApplyAsync(new EventBatch(events))).Applied;
        }

        var applied = 0;
        for (var start = 0; start < events.Count; start += maxEventsPerCall)
        {
            applied += (await grain.ApplyAsync(new EventBatch(events.GetRange(start, Math.Min(maxEventsPerCall, events.Count - start))))).Applied;
        }

        return applied;
    }
}

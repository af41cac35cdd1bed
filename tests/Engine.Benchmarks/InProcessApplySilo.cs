using System.Text;
using Engine.Contracts;
using Engine.Domain.Events;
using Engine.Silo.Effects;
using Engine.Silo.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Engine.Benchmarks;

/// <summary>
/// A started engine silo (no Kafka ingestion) whose grains the in-process rows call directly,
/// warmed up until the JIT has next to nothing left to compile. Batches are shaped as the
/// ingestion shapes them: up to MaxBatchEvents per batch, one call per customer per batch
/// (split at MaxEventsPerCall), customers in parallel, batches one after another.
/// </summary>
internal sealed class InProcessApplySilo : IAsyncDisposable
{
    private const string WarmupStream = "bench/warmup";

    // A grain warm-up pass that compiles at most this many methods counts as settled: Orleans'
    // own timers keep compiling a few methods now and then, so "none" may never come.
    private const int SettledCompilations = 100;
    private const int MaxGrainWarmupPasses = 12;

    private readonly IHost _host;
    private readonly IngestionOptions _ingestion;
    private readonly HashSet<string> _customers = new(StringComparer.Ordinal);

    private InProcessApplySilo(IHost host, IngestionOptions ingestion, EventParser parser)
    {
        _host = host;
        _ingestion = ingestion;
        Parser = parser;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
    }

    public EventParser Parser { get; }

    public IGrainFactory Grains { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>What the grain warm-up did (passes, methods compiled), for a row's note.</summary>
    public string WarmupNote { get; private set; } = "no warm-up";

    /// <summary>State writes the silo's customers made so far.</summary>
    public long Writes => _host.Services.GetService<Engine.Grains.CustomerStateWrites>()?.Succeeded ?? 0;

    /// <summary>Segment changes the silo's customers published so far.</summary>
    public long SegmentChangesPublished => _host.Services.GetService<Engine.Grains.SegmentStatistics>()?.Published.Values.Sum() ?? 0;

    /// <summary>Builds the silo (the row's own configuration), then parses the warm-up events.</summary>
    public static InProcessApplySilo Build(string bootstrapServers, BenchmarkOptions options, IReadOnlyDictionary<string, string>? rowSettings)
    {
        var host = BenchmarkSilo.Build(bootstrapServers, options, ingestion: false, rowSettings);
        var ingestion = host.Services.GetRequiredService<IOptions<IngestionOptions>>().Value;
        return new InProcessApplySilo(host, ingestion, new EventParser(ingestion.MaxEventBytes, ingestion.Bounds));
    }

    /// <summary>Starts the silo, runs <paramref name="prepare"/> (e.g. loads a value model), and warms its grains up.</summary>
    public async Task StartAsync(BenchmarkOptions options, Action<IServiceProvider>? prepare)
    {
        await _host.StartAsync();
        prepare?.Invoke(_host.Services);
        WarmupNote = await WarmUpGrainsAsync(options);
    }

    /// <summary>Parses a simulated event (it must be valid) and places it at <paramref name="offset"/> of <paramref name="stream"/>.</summary>
    public SequencedEvent Sequence(Silo.Demo.SimulatedEvent simulated, string stream, long offset) =>
        Sequence(Encoding.UTF8.GetBytes(simulated.CustomerId), simulated, stream, offset);

    public SequencedEvent Sequence(byte[] key, Silo.Demo.SimulatedEvent simulated, string stream, long offset)
    {
        var result = Parser.Parse(key, simulated.Json);
        var e = result.Event ?? throw new InvalidOperationException($"the simulation produced an event the parser refuses: {result.Reason} ({result.Detail})");
        return new SequencedEvent(e, new EventPosition(stream, offset));
    }

    /// <summary>Consecutive events in batches of MaxBatchEvents, each grouped by customer in order.</summary>
    public List<List<(string CustomerId, List<SequencedEvent> Events)>> Batches(ReadOnlySpan<SequencedEvent> events)
    {
        var batches = new List<List<(string, List<SequencedEvent>)>>();
        for (var start = 0; start < events.Length; start += _ingestion.MaxBatchEvents)
        {
            var byCustomer = new Dictionary<string, List<SequencedEvent>>(StringComparer.Ordinal);
            foreach (var e in events.Slice(start, Math.Min(_ingestion.MaxBatchEvents, events.Length - start)))
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

    public static string Describe(List<List<(string CustomerId, List<SequencedEvent> Events)>> batches)
    {
        var calls = batches.Sum(b => b.Count);
        var events = batches.Sum(b => b.Sum(c => c.Events.Count));
        return $"{batches.Count} batches, {calls} calls, {(double)events / calls:F1} events/call";
    }

    /// <summary>
    /// Applies the batches one after another and measures the process meanwhile; with
    /// <paramref name="checkpoint"/>, then writes its customers (what the ingestion's
    /// checkpoint does) inside the measurement: those the batches touched.
    /// </summary>
    public async Task<Measurement> ApplyAsync(List<List<(string CustomerId, List<SequencedEvent> Events)>> batches, int expected, string name, string note, bool checkpoint = false)
    {
        foreach (var batch in batches)
        {
            _customers.UnionWith(batch.Select(c => c.CustomerId));
        }

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
                calls[i] = ApplyCustomerAsync(Grains.GetGrain<ICustomerGrain>(batch[i].CustomerId), batch[i].Events);
            }

            foreach (var n in await Task.WhenAll(calls))
            {
                applied += n;
            }
        }

        if (checkpoint)
        {
            await FlushAsync(batches.SelectMany(b => b.Select(c => c.CustomerId)).ToHashSet(StringComparer.Ordinal));
        }

        var end = ProcessSnapshot.Take();
        var jit = $"; JIT {System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore} methods, {(System.Runtime.JitInfo.GetCompilationTime() - jitBefore).TotalMilliseconds:F0} ms";
        var incomplete = applied != expected;
        return end.Since(start, name, applied, (incomplete ? $"APPLIED {applied} of {expected}; " : "") + note + jit) with { Incomplete = incomplete };
    }

    /// <summary>
    /// Waits until the silo's effect dispatcher has no publication in flight (at most 10 s),
    /// so work a pass handed out is not measured in the next one; returns how long that took.
    /// </summary>
    public async Task<TimeSpan> EffectsSettledAsync()
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var dispatcher = _host.Services.GetRequiredService<EffectDispatcher>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (dispatcher.InFlight > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        return System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// Waits (at most 5 s) until the JIT compiled nothing for a quarter of a second: code a pass
    /// used often enough is recompiled at its optimised tier on a background thread, and row 5
    /// measured 130-240 ms of that in its 0.1-0.2 s warm window of 5b' (the segment and
    /// publication code first used in 5b's cold pass), none in 5a'.
    /// </summary>
    public static async Task JitQuietAsync()
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

    /// <summary>Writes every customer the silo saw (what the ingestion's checkpoint does); returns how long it took and how many.</summary>
    public Task<(TimeSpan Flush, int Flushed)> FlushAsync() => FlushAsync(_customers);

    private async Task<(TimeSpan Flush, int Flushed)> FlushAsync(IReadOnlyCollection<string> customers)
    {
        var flushStart = System.Diagnostics.Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = _ingestion.FlushConcurrency },
            async (customerId, _) => await Grains.GetGrain<ICustomerGrain>(customerId).FlushAsync());
        return (System.Diagnostics.Stopwatch.GetElapsedTime(flushStart), customers.Count);
    }

    public async ValueTask DisposeAsync() => await BenchmarkSilo.StopAsync(_host);

    /// <summary>
    /// Applies warm-up passes, each on customers of its own (so nothing is skipped as a
    /// duplicate), until a pass leaves the JIT with next to nothing to compile: measured alone,
    /// one pass left the grains' code in the early tiers and row 3 read 3-4 × slower than after
    /// rows 1 and 2 had warmed the process, which made a before/after comparison of the grains
    /// measure the JIT rather than the code.
    /// </summary>
    private async Task<string> WarmUpGrainsAsync(BenchmarkOptions options)
    {
        if (options.Warmup == 0)
        {
            return "no warm-up";
        }

        var compiled = new List<long>();
        for (var pass = 0; pass < MaxGrainWarmupPasses; pass++)
        {
            var events = Simulated(options.Warmup, options, options.Seed + 1 + pass, pass == 0 ? "inproc-warm-" : $"inproc-warm{pass}-", WarmupStream + pass);
            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            await ApplyAsync(Batches(events), events.Length, "warm-up", "");
            compiled.Add(System.Runtime.JitInfo.GetCompiledMethodCount() - before);
            if (compiled[^1] <= SettledCompilations)
            {
                break;
            }
        }

        // The passes above activate new customers only; warm customers take other paths (a
        // repeat buyer's forecast, leaving a segment, a change's answer from the dispatcher),
        // which 5b' otherwise compiled inside its window (43-55 ms of a 60-90 ms pass).
        var returning = Simulated(options.Warmup * 2, options, options.Seed + 100, "inproc-warmr-", WarmupStream + "r");
        var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        await ApplyAsync(Batches(returning.AsSpan(0, options.Warmup)), options.Warmup, "warm-up", "");
        await ApplyAsync(Batches(returning.AsSpan(options.Warmup)), returning.Length - options.Warmup, "warm-up", "");
        var returningCompiled = System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore;

        var settled = compiled[^1] <= SettledCompilations ? "settled" : "NOT SETTLED";
        return $"grain warm-up {settled} after {compiled.Count} × {options.Warmup:N0} events (methods compiled per pass: {string.Join(", ", compiled)}), then {returning.Length:N0} events to {options.Customers:N0} customers cold and warm ({returningCompiled} methods)";
    }

    private SequencedEvent[] Simulated(int count, BenchmarkOptions options, int seed, string prefix, string stream)
    {
        var simulated = EventCorpus.Simulate(count, options.Customers, seed, prefix, options.Stream);
        var events = new SequencedEvent[simulated.Count];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = Sequence(simulated[i], stream, i);
        }

        return events;
    }

    /// <summary>One customer's events of a batch, in calls of at most MaxEventsPerCall, in order.</summary>
    private async Task<int> ApplyCustomerAsync(ICustomerGrain grain, List<SequencedEvent> events)
    {
        var maxEventsPerCall = _ingestion.MaxEventsPerCall;
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

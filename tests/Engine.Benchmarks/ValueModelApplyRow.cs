using Engine.Domain.Events;
using Engine.Domain.Segments;
using Engine.Domain.Value.Model;
using Engine.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Benchmarks;

/// <summary>
/// Row 5: what the value model and segments cost the in-process apply (row 3's measurement).
/// Two silos in this process take the same events: 5a with no model and no segment rules, what
/// applying cost before segments were evaluated; 5b with a model loaded (the CDNOW fit, with
/// population ranks) and the default segments evaluated at each state write, their changes
/// published to the segment-changes topic. After a cold pass each, the warm windows alternate
/// (a b, b a, a b, ...) for <see cref="Rounds"/> rounds, so a disturbance of the machine falls
/// on both sides, and the verdict is the median of the rounds' ratios. The requirement: 5b
/// within 10 % of 5a.
/// </summary>
internal static class ValueModelApplyRow
{
    public const int Rounds = 7;
    private const string Stream = "bench/0";

    public static async Task<List<Measurement>> RunAsync(EventCorpus corpus, BenchmarkOptions options)
    {
        var count = corpus.Events.Count;
        var noSegments = SegmentOptions.Defaults.Keys.ToDictionary(name => $"Segments:Rules:{name}", _ => "", StringComparer.Ordinal);
        await using var without = InProcessApplySilo.Build(corpus.BootstrapServers, options, noSegments);
        await using var with = InProcessApplySilo.Build(corpus.BootstrapServers, options, rowSettings: null);

        // The same events for both: a cold pass, then one warm window per round, each the customers' next events.
        var simulated = EventCorpus.Simulate(count * (1 + Rounds), options.Customers, options.Seed, "inproc-", options.Stream);
        var parsed = new SequencedEvent[simulated.Count];
        for (var i = 0; i < parsed.Length; i++)
        {
            parsed[i] = without.Sequence(simulated[i], Stream, i);
        }

        var windows = Enumerable.Range(0, 1 + Rounds).Select(w => without.Batches(parsed.AsSpan(w * count, count))).ToList();
        simulated = [];

        await without.StartAsync(options, prepare: null);
        await with.StartAsync(options, prepare: LoadModel);
        var coldWithout = await PassAsync(without, with, windows[0], count, "5a in-process → grains, cold", $"activates {options.Customers} grains");
        var coldWith = await PassAsync(with, without, windows[0], count, "5b in-process → grains, cold", $"activates {options.Customers} grains");

        var warmWithout = new List<Measurement>();
        var warmWith = new List<Measurement>();
        for (var round = 1; round <= Rounds; round++)
        {
            var note = $"round {round}, next {count} events, grains already active";
            if (round % 2 == 1)
            {
                warmWithout.Add(await PassAsync(without, with, windows[round], count, "5a' in-process → grains, warm", note));
                warmWith.Add(await PassAsync(with, without, windows[round], count, "5b' in-process → grains, warm", note));
            }
            else
            {
                warmWith.Add(await PassAsync(with, without, windows[round], count, "5b' in-process → grains, warm", note));
                warmWithout.Add(await PassAsync(without, with, windows[round], count, "5a' in-process → grains, warm", note));
            }
        }

        await without.FlushAsync();
        await with.FlushAsync();

        var ratios = warmWith.Zip(warmWithout, (b, a) => b.EventsPerSecond / a.EventsPerSecond).ToList();
        var cpuRatios = warmWith.Zip(warmWithout, (b, a) => b.CpuMicrosecondsPerEvent / a.CpuMicrosecondsPerEvent).ToList();
        var medianWithout = Median(warmWithout, m => m.EventsPerSecond);
        var medianWith = Median(warmWith, m => m.EventsPerSecond);
        var incomplete = warmWithout.Concat(warmWith).Any(m => m.Incomplete);
        return
        [
            coldWithout with { Note = "no model, no segment rules; " + coldWithout.Note + "; " + without.WarmupNote },
            medianWithout with { Note = $"no model, no segment rules; the median of {Rounds} windows by events/s (each {count:N0} events): {Join(warmWithout, m => m.EventsPerSecond, "N0")} events/s", Incomplete = incomplete },
            coldWith with { Note = "model + default segments; " + coldWith.Note + "; " + with.WarmupNote },
            medianWith with
            {
                Note = $"model + default segments; the median of {Rounds} windows (events/s {Join(warmWith, m => m.EventsPerSecond, "N0")}); "
                    + $"5b' ÷ 5a' per round: {string.Join(", ", ratios.Select(r => r.ToString("P0", System.Globalization.CultureInfo.InvariantCulture)))}, median {Median(ratios):P0} (requirement ≥ 90 %); "
                    + $"CPU per event 5b' ÷ 5a' per round: {string.Join(", ", cpuRatios.Select(r => r.ToString("P0", System.Globalization.CultureInfo.InvariantCulture)))}, median {Median(cpuRatios):P0}",
                Incomplete = incomplete,
            },
        ];
    }

    /// <summary>
    /// One measured pass on <paramref name="measured"/>, on a clean heap with the JIT quiet and
    /// neither silo's dispatcher still publishing what an earlier pass handed out.
    /// </summary>
    private static async Task<Measurement> PassAsync(InProcessApplySilo measured, InProcessApplySilo other, List<List<(string CustomerId, List<SequencedEvent> Events)>> batches, int count, string name, string note)
    {
        await measured.EffectsSettledAsync();
        await other.EffectsSettledAsync();
        GarbageCollection.Settle();
        await InProcessApplySilo.JitQuietAsync();
        var writesBefore = measured.Writes;
        var pass = await measured.ApplyAsync(batches, count, name, $"{note}; {InProcessApplySilo.Describe(batches)}");
        var writes = measured.Writes - writesBefore;
        var settled = await measured.EffectsSettledAsync();
        return pass with { Note = pass.Note + $"; {writes} state writes; its publications answered {settled.TotalMilliseconds:F0} ms after the window" };
    }

    private static Measurement Median(List<Measurement> windows, Func<Measurement, double> by) => windows.OrderBy(by).ElementAt(windows.Count / 2);

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Join(List<Measurement> windows, Func<Measurement, double> value, string format) =>
        string.Join(", ", windows.Select(m => value(m).ToString(format, System.Globalization.CultureInfo.InvariantCulture)));

    private static void LoadModel(IServiceProvider services)
    {
        // The papers' CDNOW fit, in weeks, with ranks spread over the simulated shop's spend.
        var model = new ValueModel(
            1, DateTimeOffset.UtcNow, 7, new BgNbdParameters(0.243, 4.414, 0.793, 2.426), new GammaGammaParameters(6.25, 3.74, 15.44), "benchmark", 2357, -9582.4, 0,
            new PopulationRanks(
                new RfmBoundaries([7, 30, 90, 180], [1, 2, 3, 5], [50, 150, 400, 1000], DateTimeOffset.UtcNow, 2357),
                [.. Enumerable.Range(1, 99).Select(p => p * 5.0)]));
        services.GetRequiredService<CurrentValueModel>().Update(model, DateTimeOffset.UtcNow);
    }
}

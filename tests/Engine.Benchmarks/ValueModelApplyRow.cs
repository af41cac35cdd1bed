using Engine.Domain.Segments;
using Engine.Domain.Value.Model;
using Engine.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Benchmarks;

/// <summary>
/// Row 5: what the value model and segments cost the in-process apply (row 3's measurement, run
/// twice in one process on the same events): 5a with no model and no segment rules, what
/// applying cost before segments were evaluated; 5b with a model loaded (the CDNOW fit, with
/// population ranks) and the default segments evaluated at each state write, their changes
/// published to the segment-changes topic. The requirement: 5b within 10 % of 5a.
/// </summary>
internal static class ValueModelApplyRow
{
    public static async Task<List<Measurement>> RunAsync(EventCorpus corpus, BenchmarkOptions options)
    {
        var noSegments = SegmentOptions.Defaults.Keys.ToDictionary(name => $"Segments:Rules:{name}", _ => "", StringComparer.Ordinal);
        var (_, coldWithout, warmWithout, _, _) = await InProcessApplyRun.RunAsync(corpus, options, "5a", noSegments);
        GarbageCollection.Settle();
        var (_, coldWith, warmWith, _, _) = await InProcessApplyRun.RunAsync(corpus, options, "5b", prepare: LoadModel);
        var ratio = warmWith.EventsPerSecond / warmWithout.EventsPerSecond;
        return
        [
            coldWithout with { Note = "no model, no segment rules; " + coldWithout.Note },
            warmWithout with { Note = "no model, no segment rules; " + warmWithout.Note },
            coldWith with { Note = "model + default segments; " + coldWith.Note },
            warmWith with { Note = $"model + default segments, {ratio:P0} of 5a' (requirement ≥ 90 %); " + warmWith.Note },
        ];
    }

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

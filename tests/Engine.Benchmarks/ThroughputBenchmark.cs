using System.Diagnostics;
using Engine.Silo.Kafka;

namespace Engine.Benchmarks;

/// <summary>
/// One run, all rows on the same machine and the same events: produce once, then a bare
/// Kafka consumer (the ceiling), the engine ingesting into grains, and the grains alone.
/// Row 4 (durable ingest on PostgreSQL) has its own customers, broker and database.
/// </summary>
internal static class ThroughputBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        NativeKafka.EnsureLoaded();
        // One budget for the whole run: a row that runs out of it still reports what it measured.
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Budget.TotalSeconds * Stopwatch.Frequency);
        var machine = MachineInfo.Current();
        OrleansRequests.Start();
        var rows = new List<Measurement>();
        EventCorpus? corpus = null;
        if (options.Rows.Overlaps([1, 2, 3, 5]))
        {
            Console.Error.WriteLine($"Producing {options.Warmup} warm-up and {options.Events} measured events ({options.Customers} customers each) into an embedded broker...");
            corpus = EventCorpus.Create(options);
            Console.Error.WriteLine($"  {corpus.Produce.EventsPerSecond:N0} events/s, {corpus.Partitions} partitions per topic");
            rows.Add(corpus.Produce);
        }

        try
        {
            return await RunRowsAsync(options, machine, corpus, rows, deadline);
        }
        finally
        {
            corpus?.Dispose();
        }
    }

    private static async Task<int> RunRowsAsync(BenchmarkOptions options, MachineInfo machine, EventCorpus? corpus, List<Measurement> rows, long deadline)
    {
        Measurement? bare = null, engine = null, parsing = null, inProcess = null;
        string? footnote = null;

        if (options.Rows.Contains(1) && corpus is not null)
        {
            Console.Error.WriteLine("Row 1: bare consumer...");
            GarbageCollection.Settle();
            var (total, steady) = BareConsumerRun.Run(corpus, "1  bare consumer, librdkafka defaults",
                corpus.ConsumerConfig("bench-bare-" + Guid.NewGuid().ToString("N"), engineFetchSettings: false, options.ConsumerSettings), options.Timeout);
            GarbageCollection.Settle();
            var (_, engineSettings) = BareConsumerRun.Run(corpus, "1' bare consumer, engine's fetch settings",
                corpus.ConsumerConfig("bench-bare-" + Guid.NewGuid().ToString("N"), engineFetchSettings: true, options.ConsumerSettings), options.Timeout);
            rows.AddRange([total, steady, engineSettings with { Note = engineSettings.Note + "; FetchWaitMaxMs 50, QueuedMinMessages 10000, FetchQueueBackoffMs 10 (KafkaEndpoint.ApplyFetchSettings)" }]);
            bare = steady;
        }

        if (options.Rows.Contains(2) && corpus is not null)
        {
            Console.Error.WriteLine("Row 2: engine ingestion...");
            GarbageCollection.Settle();
            var (total, steady) = await EngineIngestionRun.RunAsync(corpus, options);
            rows.AddRange([total, steady]);
            engine = steady;
        }

        if (options.Rows.Contains(3) && corpus is not null)
        {
            Console.Error.WriteLine("Row 3: in-process to grains...");
            GarbageCollection.Settle();
            var (parse, cold, warm, flush, flushed) = await InProcessApplyRun.RunAsync(corpus, options);
            rows.AddRange([parse, cold, warm]);
            inProcess = cold;
            parsing = parse;
            footnote = $"Flushing the {flushed} in-process customers to memory storage afterwards (what a checkpoint does) took {flush.TotalSeconds:F2} s.";
        }

        if (options.Rows.Contains(5) && corpus is not null)
        {
            Console.Error.WriteLine("Row 5: in-process to grains, without and with the value model and segments...");
            GarbageCollection.Settle();
            rows.AddRange(await ValueModelApplyRow.RunAsync(corpus, options));
        }

        DurableResult? durable = null;
        if (options.Rows.Contains(4))
        {
            Console.Error.WriteLine("Row 4: durable ingest on PostgreSQL...");
            GarbageCollection.Settle();
            durable = await DurableIngestionRun.RunAsync(options, deadline);
            rows.AddRange(new[] { durable.Total }.Concat(durable.Windows).Select(w => w.Measurement));
        }

        ResultsReport.Print(machine, options, corpus?.Partitions, rows, bare, engine, parsing, inProcess, durable);
        if (footnote is not null)
        {
            Console.WriteLine(footnote);
        }

        return rows.Any(r => r.Incomplete) || durable is { Incomplete: true } ? 1 : 0;
    }
}

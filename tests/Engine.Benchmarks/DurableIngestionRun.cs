using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Engine.Benchmarks.Producing;
using Engine.Silo.Kafka;
using Engine.Silo.Metrics;
using Engine.Domain.Customers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Engine.Benchmarks;

/// <summary>
/// Row 4: durable ingest. A throwaway PostgreSQL server, an in-process silo storing grain
/// state and reminders in it, and one population of customers that stays active throughout.
/// The simulated clients run in a process of their own (<see cref="SimulatedClients"/>), so
/// the engine's CPU is the engine's alone. Windows, each from one checkpoint's commit to a later one's:
/// <list type="number">
/// <item>Saturated, realistic stream: the clients stay a bounded backlog ahead of the engine.</item>
/// <item>Live, realistic stream: produced at a fixed rate, with each event's time from its
/// Kafka timestamp to the commit of its offset (behind durable state).</item>
/// <item>Saturated, stress stream: every customer climbs the tier ladder within minutes.</item>
/// </list>
/// A phase that runs out of the run's time budget still reports what its checkpoints measured,
/// marked as cut short; the phases after it are skipped.
/// </summary>
internal static class DurableIngestionRun
{
    private const string CustomerPrefix = "dur-";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    // The probe's carts are produced over this much of the live window's start, and fall due CartProbe.Lead later.
    private static readonly TimeSpan CartProbeSpread = TimeSpan.FromSeconds(20);

    // Left at the end of the budget for stopping the silo and PostgreSQL and printing.
    private static readonly TimeSpan StopReserve = TimeSpan.FromSeconds(45);

    public static async Task<DurableResult> RunAsync(BenchmarkOptions options, long deadline)
    {
        var d = options.Durable;
        // Real producers batch; --producer linger.ms=N overrides.
        var producerSettings = new Dictionary<string, string>(options.ProducerSettings, StringComparer.Ordinal);
        producerSettings.TryAdd("linger.ms", "100");
        var topics = new KafkaTopics();
        // librdkafka's mock broker keeps about 5 MB per partition: at this row's rates a partition
        // read a few seconds behind the others would lose events with 32, so more.
        var partitions = options.Partitions ?? 128;
        var stopBy = deadline - Ticks(StopReserve);
        using var broker = EmbeddedKafkaBroker.Start();
        foreach (var topic in topics.Inbound.Concat(topics.Outbound))
        {
            broker.CreateTopic(topic, partitions);
        }

        var groupId = "bench-durable-" + Guid.NewGuid().ToString("N");
        Console.Error.WriteLine($"Row 4: simulated clients (a process of their own) produce {d.Customers:N0} customers' profiles and purchase history ({partitions} partitions per topic); starting PostgreSQL (fsync {(d.Fsync ? "on" : "off")})...");
        using var clients = SimulatedClientsProcess.Start(new SimulatedClientSettings(
            broker.BootstrapServers, groupId, partitions, d.Customers, options.Seed, CustomerPrefix, d.MaxAhead,
            Path.Combine(Path.GetTempPath(), $"engine-bench-latency-{Guid.NewGuid():N}.bin"), producerSettings));
        var starting = BenchmarkDatabase.StartAsync(d.Fsync, d.ConnectionOptions, d.Statements);
        var openingCount = await clients.OpeningDelivered.WaitAsync(TimeSpan.FromMinutes(5));
        await using var postgres = await starting;
        var rowSettings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Kafka:GroupId"] = groupId,
            ["Storage:Provider"] = "postgres",
            ["Sms:Numbers:Key"] = Engine.Testing.TestNumberKey.Value,
            ["Storage:ConnectionString"] = postgres.ConnectionString,
            ["Storage:ApplySchema"] = "true",
            ["Ingestion:CheckpointInterval"] = d.CheckpointInterval.ToString("c", CultureInfo.InvariantCulture),
            ["WriteBehind:MaxUnsavedAge"] = d.MaxUnsavedAge.ToString("c", CultureInfo.InvariantCulture),
        };

        var host = BenchmarkSilo.Build(broker.BootstrapServers, options, ingestion: true, rowSettings);
        var metrics = host.Services.GetRequiredService<EngineMetrics>();
        var writes = host.Services.GetRequiredService<Engine.Grains.CustomerStateWrites>();
        var loyalty = host.Services.GetRequiredService<Engine.Grains.LoyaltyStatistics>();
        var sms = host.Services.GetRequiredService<Engine.Grains.SmsStatistics>();
        var dispatcher = host.Services.GetRequiredService<Engine.Silo.Sms.SmsDispatcher>();
        var grainState = host.Services.GetRequiredService<Engine.Silo.Storage.GrainState.GrainStateStatistics>();
        var committed = metrics.Checkpoints.WithLabels("committed");
        var marks = new List<DurableMark>();
        var samples = new List<DurableSample>();
        long Applied() => (long)metrics.EventsApplied.Value;
        long Taken() => Applied() + (long)metrics.EventsDuplicate.Value;

        async Task<DurableMark> TakeMarkAsync(string phase) => new(
            phase,
            Stopwatch.GetTimestamp(),
            ProcessSnapshot.Take(),
            ThreadCpu.Take(),
            postgres.Cpu(),
            clients.Cpu(),
            await postgres.ReadWritesAsync(),
            Applied(),
            writes.Succeeded,
            grainState.Transactions,
            grainState.Rows,
            committed.Value,
            await HistogramSnapshot.ReadAsync(metrics.Registry, "engine_checkpoint_duration_seconds"),
            await HistogramSnapshot.ReadAsync(metrics.Registry, "engine_event_durable_latency_seconds"),
            await HistogramSnapshot.ReadAsync(metrics.Registry, "engine_tier_change_publish_latency_seconds"),
            await HistogramSnapshot.ReadAsync(metrics.Registry, "engine_sms_send_latency_seconds"),
            await HistogramSnapshot.ReadAsync(metrics.Registry, "engine_cart_reminder_latency_seconds"),
            loyalty.TierChanges.Values.Sum(),
            sms.Outcomes.Where(o => o.Key.Outcome == "sent").Sum(o => o.Value),
            clients.Produced);

        var seen = 0.0;
        // Polls every 10 ms until done() says so or the budget is spent; marks every checkpoint commit.
        async Task<bool> WatchAsync(string phase, Func<DurableMark?, bool> done)
        {
            while (Stopwatch.GetTimestamp() < stopBy)
            {
                clients.Applied(Taken());
                samples.Add(new DurableSample(Stopwatch.GetTimestamp(), writes.Succeeded, Applied()));
                DurableMark? mark = null;
                if (committed.Value > seen)
                {
                    seen = committed.Value;
                    mark = await TakeMarkAsync(phase);
                    marks.Add(mark);
                    Console.Error.WriteLine($"  checkpoint {seen} ({phase}): {mark.Applied:N0} applied, {mark.Produced - mark.Applied:N0} not yet, "
                        + $"{mark.StateWrites:N0} state writes, {mark.TierChanges:N0} tier changes, {Stopwatch.GetElapsedTime(marks[0].At).TotalSeconds:F0} s");
                }

                if (done(mark))
                {
                    return true;
                }

                await Task.Delay(PollInterval);
            }

            return false;
        }

        string SecondsLeft() => $"{Math.Max(0, (stopBy - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency):F0} s of the budget left";
        var phases = new DurablePhases();
        double rate = 0;
        var cartProbes = 0;
        TimeSpan siloStart = TimeSpan.Zero;
        IReadOnlyList<StatementCost> statements = [];
        var state = "";
        LatencySamples latencies = LatencySamples.Empty;
        try
        {
            marks.Add(await TakeMarkAsync("start"));
            await host.StartAsync();
            siloStart = Stopwatch.GetElapsedTime(marks[0].At);

            // Warm-up: profiles and purchase history, then the backlog; the window opens at the
            // first checkpoint after the warm-up (the first ones insert every customer's row),
            // and no sooner than two unsaved ages into the backlog, so every customer has written
            // (and claimed its phone) and writes come at their steady rhythm.
            long? backlogStarted = null;
            bool Aged(long? since, TimeSpan age) => since is { } began && Stopwatch.GetElapsedTime(began) >= age;
            var warm = await WatchAsync("warm-up", mark =>
            {
                if (backlogStarted is null && Taken() >= openingCount)
                {
                    clients.Backlog();
                    backlogStarted = Stopwatch.GetTimestamp();
                }

                return mark is not null && mark.Applied >= openingCount + d.Warmup && Aged(backlogStarted, 2 * d.MaxUnsavedAge + d.CheckpointInterval);
            });
            if (!warm)
            {
                phases.Failures.Add($"warm-up TIMED OUT ({marks.Count - 1} checkpoints, {Applied():N0} events applied)");
            }
            else
            {
                await postgres.ResetStatementsAsync();
                phases.Saturated = await MeasureAsync("saturated", d.SaturatedCheckpoints);
                statements = await postgres.ReadStatementsAsync();
            }

            // Live: the same customers at a fixed rate, once the backlog is applied; the window
            // opens once it is also durable (its latency is not the live one).
            if (phases.Saturated is { Complete: true } s)
            {
                var saturatedRate = (s.End.Applied - s.Start.Applied) / Stopwatch.GetElapsedTime(s.Start.At, s.End.At).TotalSeconds;
                // Well below the saturated rate, so the engine keeps up (one that falls behind has
                // an ever-growing latency): at a low rate each event costs more (fewer events per
                // customer between checkpoints, small batches).
                rate = d.Rate ?? Math.Max(1000, Math.Min(30_000, Math.Floor(0.4 * saturatedRate / 1000) * 1000));
                clients.Pause();
                // Applied catches up with produced, unless the mock broker dropped events a
                // partition had not yet read (its retention): then it stops moving.
                var (lastTaken, still) = (Taken(), Stopwatch.GetTimestamp());
                await WatchAsync("drain", _ =>
                {
                    if (Taken() != lastTaken)
                    {
                        (lastTaken, still) = (Taken(), Stopwatch.GetTimestamp());
                    }

                    return Taken() >= clients.Produced || Stopwatch.GetElapsedTime(still) > TimeSpan.FromSeconds(15);
                });
                if (Taken() < clients.Produced)
                {
                    phases.Failures.Add($"the embedded broker dropped {clients.Produced - Taken():N0} events before the engine read them (its 5 MB per partition); rerun with more --partitions");
                }

                Console.Error.WriteLine($"  backlog applied; live phase at {rate:N0} events/s...");
                List<TopicPartition> all = [.. topics.Inbound.SelectMany(t => Enumerable.Range(0, partitions).Select(p => new TopicPartition(t, p)))];
                using var offsets = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = groupId, EnableAutoCommit = false }).Build();
                var backlogEnds = all.ToDictionary(p => p, p => offsets.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
                bool BacklogDurable() => offsets.Committed(all, TimeSpan.FromSeconds(10)).All(c => backlogEnds[c.TopicPartition] <= 0 || c.Offset.Value >= backlogEnds[c.TopicPartition]);
                clients.Live(rate);
                if (await WatchAsync("live: backlog not yet durable", mark => mark is not null && BacklogDurable()))
                {
                    using var probeStop = new CancellationTokenSource();
                    var cartDelay = host.Services.GetRequiredService<IOptions<CustomerRules>>().Value.CartAbandonment.Delay;
                    var probe = d.CartProbes > 0
                        ? CartProbe.RunAsync(broker.BootstrapServers, topics, producerSettings, cartDelay, d.CartProbes, CartProbeSpread, probeStop.Token)
                        : Task.FromResult(0);
                    phases.Live = await MeasureAsync("live", d.LiveCheckpoints);
                    await probeStop.CancelAsync();
                    cartProbes = await probe;
                }
                else
                {
                    phases.Failures.Add("live: TIMED OUT waiting for the backlog to be durable");
                }
            }
            else
            {
                phases.Skipped.Add("live: skipped (the saturated window did not complete)");
            }

            // Stress: the same customers, now each climbing the ladder within minutes; opens one
            // unsaved age after the switch, when the writes have the stress stream's rhythm.
            var stressNeeds = d.MaxUnsavedAge + (d.StressCheckpoints + 2) * d.CheckpointInterval;
            if (phases.Live is not { Complete: true })
            {
                phases.Skipped.Add("stress: skipped (the live window did not complete)");
            }
            else if (stopBy - Stopwatch.GetTimestamp() < Ticks(stressNeeds))
            {
                phases.Skipped.Add($"stress: skipped ({SecondsLeft()}, it needs {stressNeeds.TotalSeconds:F0} s; --budget)");
            }
            else
            {
                clients.Stress();
                var switched = Stopwatch.GetTimestamp();
                if (await WatchAsync("stress: settling", mark => mark is not null && Aged(switched, d.MaxUnsavedAge + d.CheckpointInterval)))
                {
                    phases.Stress = await MeasureAsync("stress", d.StressCheckpoints);
                }
            }

            state = await postgres.DescribeStateAsync("customer");
        }
        finally
        {
            latencies = await clients.StopAsync(TimeSpan.FromSeconds(30));
            var stopping = Stopwatch.GetTimestamp();
            await BenchmarkSilo.StopAsync(host);
            Console.Error.WriteLine($"  silo stopped in {Stopwatch.GetElapsedTime(stopping).TotalSeconds:F1} s");
        }

        // One window: from the mark that opens it to the one after its last checkpoint; cut
        // short by the budget, to its last mark (at least one checkpoint in).
        async Task<DurablePhase> MeasureAsync(string phase, int checkpoints)
        {
            var start = marks[^1];
            var counted = 0;
            var complete = await WatchAsync(phase, mark => mark is not null && ++counted == checkpoints);
            if (!complete)
            {
                phases.Failures.Add($"{phase}: TIMED OUT after {counted} of {checkpoints} checkpoints ({SecondsLeft()}; --budget)");
            }

            return new DurablePhase(start, marks[^1], complete);
        }

        var windows = new DurableWindows(marks, samples, latencies);
        var failure = string.Join("; ", phases.Failures);
        DurableWindow? Of(DurablePhase? phase, string name, double? offered, string note) =>
            phase is { } p && p.End.At > p.Start.At
                ? windows.Between(name, p.Start, p.End, offered, (p.Complete ? "" : "CUT SHORT by the budget; ") + note)
                : null;
        var last = phases.Saturated?.End ?? marks[^1];
        var live = phases.Live;
        return new DurableResult(
            windows.Between("4  durable: from host start", marks[0], last, offered: null,
                $"includes silo start-up ({siloStart.TotalSeconds:F2} s), {d.Customers:N0} activations and the warm-up"),
            Of(phases.Saturated, "4  durable: saturated, realistic stream", null, $"at most {d.MaxAhead:N0} events ahead of the engine"),
            Of(live, $"4  durable: live at {rate:N0}/s, realistic stream", rate,
                live is null ? "" : $"produced but not yet applied: {live.Start.Produced - live.Start.Applied:N0} at the start, {live.End.Produced - live.End.Applied:N0} at the end"
                    + (live.End.Produced - live.End.Applied > live.Start.Produced - live.Start.Applied + 5 * rate ? " (FELL BEHIND: latency includes a growing lag)" : "")
                    + (cartProbes > 0 ? $"; {cartProbes} probe carts of fresh customers fell due in real time ({CartProbe.Lead.TotalSeconds:F0} s after production)" : "")),
            Of(phases.Stress, "4  durable: saturated, stress stream", null, "every customer climbs the tier ladder within minutes"),
            partitions,
            postgres.Settings,
            postgres.Version,
            failure,
            string.Join("; ", phases.Skipped),
            clients.MostBehind,
            clients.Failed,
            (long)metrics.Rewinds.GetAllLabelValues().Sum(labels => metrics.Rewinds.WithLabels(labels).Value),
            (long)metrics.EventsDuplicate.Value,
            (long)metrics.Checkpoints.WithLabels("failed").Value,
            string.Join(", ", loyalty.TierChanges.OrderByDescending(t => t.Value).Select(t => $"{t.Key.From ?? "none"}→{t.Key.To}: {t.Value}")),
            dispatcher.Backlog,
            statements,
            state);
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Where each window began and ended, and what stopped the run early.</summary>
    private sealed class DurablePhases
    {
        public DurablePhase? Saturated { get; set; }

        public DurablePhase? Live { get; set; }

        public DurablePhase? Stress { get; set; }

        public List<string> Failures { get; } = [];

        public List<string> Skipped { get; } = [];
    }

    private sealed record DurablePhase(DurableMark Start, DurableMark End, bool Complete);
}

using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Engine.Silo.Demo;
using Engine.Silo.Kafka;
using Engine.Silo.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Engine.Benchmarks;

/// <summary>
/// Row 4: durable ingest. A throwaway PostgreSQL server, an in-process silo storing grain
/// state and reminders in it, and one population of customers that stays active throughout.
/// <list type="number">
/// <item>Backlog (saturated): events pre-produced into an embedded broker are drained as fast
/// as the engine can; measured from the first checkpoint after the warm-up to the last
/// checkpoint before the backlog runs out, so the window holds whole checkpoint intervals.</item>
/// <item>Live: the same simulation continues, produced at a fixed rate while the engine
/// consumes; measured over whole checkpoint intervals, with each event's time from its Kafka
/// timestamp to the commit of its offset (behind durable state).</item>
/// </list>
/// </summary>
internal static class DurableIngestionRun
{
    private const string CustomerPrefix = "dur-";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan ProbeLag = TimeSpan.FromMilliseconds(400);

    public static async Task<DurableResult> RunAsync(BenchmarkOptions options)
    {
        var d = options.Durable;
        // The simulated clients produce in this process, on the engine's 2 cores: with a 5 ms
        // linger they sent tiny batches that cost the process more CPU than the engine's work
        // (37k against 17k events/s saturated). Real producers batch; --producer linger.ms=N overrides.
        var producerSettings = new Dictionary<string, string>(options.ProducerSettings, StringComparer.Ordinal);
        producerSettings.TryAdd("linger.ms", "100");
        var topics = new KafkaTopics();
        var simulation = new ShopperSimulation(d.Customers, options.Seed, EventCorpus.SimulationStart, CustomerPrefix);
        using var stream = simulation.Take(int.MaxValue).GetEnumerator();

        // Every customer's profile event comes first in the simulation. Mixed with the rest,
        // profiles would reach the engine spread over the first million events (topics are
        // fetched side by side), and their one-off writes (phone directory claims) would land
        // in the measurement. So they go first, and the rest once they are applied.
        var profileEvents = new List<SimulatedEvent>(d.Customers);
        while (profileEvents.Count < d.Customers && stream.MoveNext())
        {
            profileEvents.Add(stream.Current);
        }

        var partitions = options.Partitions ?? 32;
        using var broker = EmbeddedKafkaBroker.Start();
        foreach (var topic in topics.Inbound.Concat(topics.Outbound))
        {
            broker.CreateTopic(topic, partitions);
        }

        Console.Error.WriteLine($"Row 4: producing {profileEvents.Count:N0} profile events ({partitions} partitions per topic); starting PostgreSQL (fsync {(d.Fsync ? "on" : "off")})...");
        EventCorpus.ProduceAll(broker.BootstrapServers, topics, profileEvents, producerSettings);
        var profileCount = profileEvents.Count;
        profileEvents = null;

        await using var postgres = await ThrowawayPostgres.StartAsync(d.Fsync, d.ConnectionOptions, d.Statements);
        var groupId = "bench-durable-" + Guid.NewGuid().ToString("N");
        var rowSettings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Kafka:GroupId"] = groupId,
            ["Storage:Provider"] = "postgres",
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
        var committed = metrics.Checkpoints.WithLabels("committed");
        var profiles = metrics.EventsConsumed.WithLabels(Engine.Domain.Events.EventTypes.Customer);
        var marks = new List<Mark>();
        var samples = new List<Sample>();
        PacedProducer? backlog = null, live = null;
        DurableLatencyProbe? probe = null;
        long Applied() => (long)metrics.EventsApplied.Value;
        long Produced() => profileCount + (backlog?.Produced ?? 0) + (live?.Produced ?? 0);

        async Task<Mark> TakeMarkAsync(string phase) => new(
            phase,
            (long)profiles.Value,
            Stopwatch.GetTimestamp(),
            ProcessSnapshot.Take(),
            postgres.Cpu(),
            await postgres.ReadWritesAsync(),
            Applied(),
            writes.Succeeded,
            committed.Value,
            await HistogramSnapshot.ReadAsync(metrics.Registry, "engine_checkpoint_duration_seconds"),
            await HistogramSnapshot.ReadAsync(metrics.Registry, "engine_event_durable_latency_seconds"),
            loyalty.TierChanges.Values.Sum(),
            sms.Outcomes.Where(o => o.Key.Outcome == "sent").Sum(o => o.Value),
            Produced());

        var seen = 0.0;
        // Polls every 10 ms until done() says so; marks every checkpoint commit. False on timeout.
        async Task<bool> WatchAsync(string phase, TimeSpan timeout, Func<Mark?, bool> done)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                samples.Add(new Sample(Stopwatch.GetTimestamp(), writes.Succeeded, Applied()));
                Mark? mark = null;
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

        Mark? saturatedStart = null, saturatedEnd = null, liveStart = null, liveEnd = null;
        IReadOnlyList<StatementCost> statements = [];
        var state = "";
        double rate = 0;
        var failure = "";
        TimeSpan siloStart;
        try
        {
            marks.Add(await TakeMarkAsync("start"));
            await host.StartAsync();
            siloStart = Stopwatch.GetElapsedTime(marks[0].At);

            // Warm-up: profiles, then the backlog producer; the window opens at the first
            // checkpoint after the warm-up (the first ones insert every customer's row), and no
            // sooner than two unsaved ages into the backlog, so every customer has written
            // (and claimed its phone) and writes come at their steady rhythm.
            var counted = 0;
            long? backlogStarted = null;
            bool SteadyWrites() => backlogStarted is { } began && Stopwatch.GetElapsedTime(began) >= 2 * d.MaxUnsavedAge + d.CheckpointInterval;
            var ok = await WatchAsync("warm-up", options.Timeout, mark =>
            {
                if (backlog is null && profiles.Value >= profileCount)
                {
                    var before = profileCount;
                    backlog = new PacedProducer(broker.BootstrapServers, topics, stream, double.PositiveInfinity, probe: null, producerSettings,
                        () => Applied() - before, d.MaxAhead);
                    backlog.Start();
                    backlogStarted = Stopwatch.GetTimestamp();
                }

                return mark is not null && mark.Profiles >= profileCount && mark.Applied >= d.Warmup && backlog is not null && SteadyWrites();
            });
            saturatedStart = ok ? marks[^1] : null;
            failure = ok ? "" : "warm-up TIMED OUT; ";
            await postgres.ResetStatementsAsync();

            // Saturated: whole checkpoint intervals with the engine never short of events.
            if (ok)
            {
                ok = await WatchAsync("saturated", options.Timeout, mark => mark is not null && ++counted == d.SaturatedCheckpoints);
                saturatedEnd = ok ? marks[^1] : null;
                failure = ok ? "" : "saturated phase TIMED OUT; ";
                statements = await postgres.ReadStatementsAsync();
            }

            backlog?.Stop();

            // Live: the same customers at a fixed rate, once the backlog is applied; the window
            // opens once it is also durable (its latency is not the live one).
            if (ok && saturatedStart is { } s0 && saturatedEnd is { } s1)
            {
                var saturatedRate = (s1.Applied - s0.Applied) / Stopwatch.GetElapsedTime(s0.At, s1.At).TotalSeconds;
                // Well below the saturated rate, so the engine keeps up (one that falls behind has
                // an ever-growing latency): at a low rate each event costs more (fewer events per
                // customer between checkpoints, small batches), and the producer takes its share.
                rate = d.Rate ?? Math.Max(1000, Math.Min(30_000, Math.Floor(0.4 * saturatedRate / 1000) * 1000));
                await WatchAsync("saturated", options.Timeout, _ => Applied() >= Produced());
                Console.Error.WriteLine($"  backlog applied; live phase at {rate:N0} events/s...");
                List<TopicPartition> all = [.. topics.Inbound.SelectMany(t => Enumerable.Range(0, partitions).Select(p => new TopicPartition(t, p)))];
                using var offsets = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = groupId, EnableAutoCommit = false }).Build();
                var backlogEnds = all.ToDictionary(p => p, p => offsets.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
                bool BacklogDurable() => offsets.Committed(all, TimeSpan.FromSeconds(10)).All(c => backlogEnds[c.TopicPartition] <= 0 || c.Offset.Value >= backlogEnds[c.TopicPartition]);
                probe = new DurableLatencyProbe(broker.BootstrapServers, groupId, all);
                probe.Start();
                live = new PacedProducer(broker.BootstrapServers, topics, stream, rate, probe, producerSettings);
                live.Start();
                var liveCounted = 0;
                ok = await WatchAsync("live", (d.LiveCheckpoints + 2) * 2 * d.CheckpointInterval + TimeSpan.FromSeconds(60), mark =>
                {
                    if (mark is null)
                    {
                        return false;
                    }

                    if (liveStart is null)
                    {
                        liveStart = BacklogDurable() ? mark : null;
                        return false;
                    }

                    return ++liveCounted == d.LiveCheckpoints;
                });
                liveEnd = ok ? marks[^1] : null;
                failure = ok ? "" : "live phase TIMED OUT; ";
                // Two whole polls after the last mark, so the probe has seen its commit (a failing
                // probe counts its failures and gives up after a few seconds).
                var polls = probe.Polls;
                var giveUpAt = Stopwatch.GetTimestamp() + 5 * Stopwatch.Frequency;
                while (probe.Polls < polls + 2 && Stopwatch.GetTimestamp() < giveUpAt)
                {
                    await Task.Delay(PollInterval);
                }
                live.Stop();
            }

            state = await postgres.DescribeStateAsync("customer");
        }
        finally
        {
            backlog?.Dispose();
            live?.Dispose();
            probe?.Dispose();
            var stopping = Stopwatch.GetTimestamp();
            await BenchmarkSilo.StopAsync(host);
            Console.Error.WriteLine($"  silo stopped in {Stopwatch.GetElapsedTime(stopping).TotalSeconds:F1} s");
        }

        var first = marks[0];
        var last = saturatedEnd ?? marks[^1];
        return new DurableResult(
            Window("4  durable: from host start", first, last, samples, marks, probe: null, rate: null,
                $"{failure}includes silo start-up ({siloStart.TotalSeconds:F2} s), {d.Customers:N0} activations and the warm-up"),
            saturatedStart is { } a && saturatedEnd is { } b
                ? Window("4  durable: saturated", a, b, samples, marks, probe: null, rate: null, failure + $"at most {d.MaxAhead:N0} events ahead of the engine")
                : null,
            liveStart is { } c && liveEnd is { } e
                ? Window($"4  durable: live at {rate:N0}/s", c, e, samples, marks, probe, rate,
                    failure + $"produced but not yet applied: {c.Produced - c.Applied:N0} at the start, {e.Produced - e.Applied:N0} at the end"
                    + (e.Produced - e.Applied > c.Produced - c.Applied + 5 * rate ? " (FELL BEHIND: latency includes a growing lag)" : ""))
                : null,
            partitions,
            postgres.Settings,
            postgres.Version,
            failure,
            live?.MostBehind ?? 0,
            (backlog?.Failed ?? 0) + (live?.Failed ?? 0),
            probe?.FailedPolls ?? 0,
            (long)metrics.Rewinds.GetAllLabelValues().Sum(labels => metrics.Rewinds.WithLabels(labels).Value),
            (long)metrics.EventsDuplicate.Value,
            (long)metrics.Checkpoints.WithLabels("failed").Value,
            string.Join(", ", loyalty.TierChanges.OrderByDescending(t => t.Value).Select(t => $"{t.Key.From ?? "none"}→{t.Key.To}: {t.Value}")),
            dispatcher.Backlog,
            statements,
            state);
    }

    private static DurableWindow Window(string name, Mark start, Mark end, List<Sample> samples, List<Mark> marks, DurableLatencyProbe? probe, double? rate, string note)
    {
        var events = end.Applied - start.Applied;
        var measurement = end.Process.Since(start.Process, name, events, note);
        var postgresCpu = end.PostgresCpu - start.PostgresCpu;
        measurement = measurement with { OtherProcessesCpu = measurement.OtherProcessesCpu - postgresCpu };

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
                var at = At(samples, from);
                duringCheckpoints += mark.StateWrites - at.Writes;
                appliedDuringCheckpoints += mark.Applied - at.Applied;
            }
        }

        // Writes outside the checkpoints' flushes come from effects (tier changes, SMS) and
        // wake-ups; the same rate is assumed during the flushes to split those windows.
        var elapsed = Stopwatch.GetElapsedTime(start.At, end.At).TotalSeconds;
        var stateWrites = end.StateWrites - start.StateWrites;
        var outsideSeconds = Math.Max(1e-9, elapsed - checkpointSeconds);
        var effectRate = (stateWrites - duringCheckpoints) / outsideSeconds;
        var fromCheckpoints = Math.Max(0, duringCheckpoints - effectRate * checkpointSeconds);

        // The probe sees a commit up to a poll later than the mark taken right after it: shift
        // the window so it holds exactly the commits of the checkpoints after start up to end.
        var lag = (long)(ProbeLag.TotalSeconds * Stopwatch.Frequency);
        var latencies = probe?.Between(start.At + lag, end.At + lag) ?? [];
        Array.Sort(latencies);
        return new DurableWindow(
            measurement,
            rate,
            inside.Count,
            [.. durations],
            stateWrites,
            fromCheckpoints,
            end.Database.StateWritesOf("customer") - start.Database.StateWritesOf("customer"),
            end.Database.StateWrites - start.Database.StateWrites - (end.Database.StateWritesOf("customer") - start.Database.StateWritesOf("customer")),
            end.Database.ReminderWrites - start.Database.ReminderWrites,
            end.Database.WalBytes - start.Database.WalBytes,
            postgresCpu,
            end.TierChanges - start.TierChanges,
            end.SmsSent - start.SmsSent,
            latencies,
            end.Durable.Minus(start.Durable),
            end.Produced - end.Applied,
            checkpointSeconds > 0 ? appliedDuringCheckpoints / checkpointSeconds : double.NaN,
            (events - appliedDuringCheckpoints) / outsideSeconds);
    }

    private static Sample At(List<Sample> samples, long at)
    {
        // Samples are in time order; the last one at or before the instant.
        var index = samples.BinarySearch(new Sample(at, long.MaxValue, long.MaxValue), Comparer<Sample>.Create((a, b) => a.At.CompareTo(b.At)));
        index = index >= 0 ? index : ~index - 1;
        return index >= 0 ? samples[index] : new Sample(at, 0, 0);
    }

    /// <summary>Counters every 10 ms, to split a window into checkpoint flushes and the time between.</summary>
    private sealed record Sample(long At, long Writes, long Applied);

    /// <summary>Everything read at one instant (each checkpoint's commit, the start, the end of the backlog).</summary>
    private sealed record Mark(
        string Phase,
        long Profiles,
        long At,
        ProcessSnapshot Process,
        TimeSpan PostgresCpu,
        DatabaseWrites Database,
        long Applied,
        long StateWrites,
        double Checkpoints,
        HistogramSnapshot CheckpointDuration,
        HistogramSnapshot Durable,
        long TierChanges,
        long SmsSent,
        long Produced);
}

/// <summary>Row 4's measurements.</summary>
internal sealed record DurableResult(
    DurableWindow Total,
    DurableWindow? Saturated,
    DurableWindow? Live,
    int Partitions,
    string PostgresSettings,
    string PostgresVersion,
    string Failure,
    long ProducerMostBehind,
    long ProducerFailed,
    long ProbeFailedPolls,
    long Rewinds,
    long Duplicates,
    long FailedCheckpoints,
    string TierChangesByKind,
    int SmsBacklogAtEnd,
    IReadOnlyList<StatementCost> Statements,
    string StoredState)
{
    public bool Incomplete => Failure.Length > 0 || Saturated is null || Live is null;
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
    TimeSpan PostgresCpu,
    long TierChanges,
    long SmsSent,
    double[] Latencies,
    HistogramSnapshot Histogram,
    long BehindAtEnd,
    double RateDuringCheckpoints,
    double RateBetweenCheckpoints)
{
    public long Events => Measurement.Events;

    public double PerEvent(double value) => Events > 0 ? value / Events : double.NaN;

    /// <summary>All rows written to the database: grain state (customers, phone directory) and reminders.</summary>
    public long DatabaseWrites => CustomerRowWrites + OtherGrainRowWrites + ReminderRowWrites;

    /// <summary>Exact quantile (nearest rank) of the probe's latencies; NaN without samples.</summary>
    public double Latency(double q) => Latencies.Length == 0 ? double.NaN : Latencies[Math.Clamp((int)Math.Ceiling(q * Latencies.Length) - 1, 0, Latencies.Length - 1)];
}

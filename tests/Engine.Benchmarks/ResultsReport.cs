using System.Globalization;
using Spectre.Console;

namespace Engine.Benchmarks;

/// <summary>Prints the machine, the measurements and the targets.</summary>
internal static class ResultsReport
{
    // Issue #9's targets, as ratios within one run (this machine's speed drifts between runs).
    public const double RatioTarget = 0.25;
    public const double ParseCpuTarget = 1.5;
    public const double InProcessTarget = 250_000;
    public const double DurableRatioTarget = 0.5;
    public const double DurableWritesTarget = 0.1;

    public static void Print(MachineInfo machine, BenchmarkOptions options, int? partitions, IReadOnlyList<Measurement> rows, Measurement? bare, Measurement? engine, Measurement? parse, Measurement? inProcess, DurableResult? durable)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 230;
        }

        static string Describe(IReadOnlyDictionary<string, string> settings) =>
            settings.Count == 0 ? "defaults" : string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}"));
        var header = new Grid().AddColumn().AddColumn();
        header.AddRow("Date (UTC)", machine.Date.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        header.AddRow("CPU", Markup.Escape($"{machine.Cpu}, {machine.ProcessorCount} logical processors (Environment.ProcessorCount)"));
        header.AddRow("Memory", machine.Memory);
        header.AddRow("OS", Markup.Escape(machine.Os));
        header.AddRow(".NET", Markup.Escape(machine.Runtime));
        header.AddRow("GC", machine.Gc);
        header.AddRow("Load average", $"{machine.LoadAverage} at start, {MachineInfo.ReadLoadAverage()} at end (1/5/15 min)");
        if (partitions is not null)
        {
            header.AddRow("Workload (rows 1-3)", Markup.Escape($"{options.Events} measured events after {options.Warmup} warm-up events (other customers), {options.Customers} customers each, seed {options.Seed}, {partitions} partitions per topic, {options.Stream.ToString().ToLowerInvariant()} stream"));
        }

        if (durable is not null)
        {
            var d = options.Durable;
            header.AddRow("Workload (row 4)", Markup.Escape($"{d.Customers} customers, seed {options.Seed}, all active, produced by simulated clients in a process of their own; windows: saturated (realistic stream: at most {d.MaxAhead} events ahead of the engine, after {d.Warmup} warm-up events and two unsaved ages), live (realistic stream at a fixed rate), saturated (stress stream); {durable.Partitions} partitions per topic; "
                + $"Ingestion:CheckpointInterval {d.CheckpointInterval.TotalSeconds:F0} s, WriteBehind:MaxUnsavedAge {d.MaxUnsavedAge.TotalSeconds:F0} s"));
            header.AddRow("PostgreSQL (row 4)", Markup.Escape($"{durable.PostgresVersion}, throwaway server on this machine's disk: {durable.PostgresSettings}"
                + "; Npgsql as the silo tunes it (PostgresConnectionTuning)" + (string.IsNullOrWhiteSpace(d.ConnectionOptions) ? "" : ", plus " + d.ConnectionOptions)));
        }

        header.AddRow("Silo settings", Markup.Escape(Describe(options.SiloSettings)));
        header.AddRow("Producer settings", Markup.Escape("Acks.All, LingerMs 5" + (options.ProducerSettings.Count == 0 ? "" : ", " + Describe(options.ProducerSettings))));
        if (durable is not null && !options.ProducerSettings.ContainsKey("linger.ms"))
        {
            header.AddRow("Producers (row 4)", "linger.ms=100 (the simulated clients batch as real producers do)");
        }

        if (durable is not null)
        {
            header.AddRow("Streams (row 4)", Markup.Escape("realistic: effects per event as a shop with the CDNOW purchase history would see (docs/benchmarks.md, \"Realistic stream\"); stress: every customer climbs the tier ladder within minutes"));
        }
        AnsiConsole.Write(new Panel(header).Header("Engagement Engine throughput"));

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Row")
            .AddColumn(new TableColumn("Events").RightAligned())
            .AddColumn(new TableColumn("Seconds").RightAligned())
            .AddColumn(new TableColumn("Events/s").RightAligned())
            .AddColumn(new TableColumn("CPU µs/event").RightAligned())
            .AddColumn(new TableColumn("Alloc B/event").RightAligned())
            .AddColumn(new TableColumn("GC 0/1/2").RightAligned())
            .AddColumn(new TableColumn("GC paused").RightAligned())
            .AddColumn(new TableColumn("Grain calls").RightAligned())
            .AddColumn(new TableColumn("Other load").RightAligned())
            .AddColumn("Note");
        foreach (var row in rows)
        {
            table.AddRow(
                Markup.Escape(row.Name),
                row.Events.ToString("N0", CultureInfo.InvariantCulture),
                row.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture),
                (row.Incomplete ? "[red]" : "") + row.EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture) + (row.Incomplete ? "[/]" : ""),
                row.CpuMicrosecondsPerEvent.ToString("F2", CultureInfo.InvariantCulture),
                // Server GC's dynamic heap count can make the process-wide counter step back.
                row.Allocated < 0 ? "n/a" : row.AllocatedBytesPerEvent.ToString("N0", CultureInfo.InvariantCulture),
                $"{row.Gen0}/{row.Gen1}/{row.Gen2}",
                row.GcPausedShare.ToString("P0", CultureInfo.InvariantCulture),
                row.OrleansRequests == 0 ? "" : row.OrleansRequests.ToString("N0", CultureInfo.InvariantCulture),
                (row.OtherProcessesCores >= 0.2 ? "[yellow]" : "") + row.OtherProcessesCores.ToString("F2", CultureInfo.InvariantCulture) + (row.OtherProcessesCores >= 0.2 ? "[/]" : ""),
                Markup.Escape(row.Note));
        }

        AnsiConsole.Write(table);
        if (durable is not null)
        {
            PrintDurable(durable);
        }

        var targets = new Table().Border(TableBorder.Rounded)
            .AddColumn("Target")
            .AddColumn(new TableColumn("Required").RightAligned())
            .AddColumn(new TableColumn("Measured").RightAligned())
            .AddColumn("Result");
        if (bare is not null && engine is not null)
        {
            var ratio = bare.EventsPerSecond > 0 ? engine.EventsPerSecond / bare.EventsPerSecond : 0;
            targets.AddRow(
                "engine / bare consumer (row 2 steady ÷ row 1 steady)",
                "≥ " + RatioTarget.ToString("F2", CultureInfo.InvariantCulture),
                ratio.ToString("F2", CultureInfo.InvariantCulture),
                Verdict(ratio >= RatioTarget && !engine.Incomplete && !bare.Incomplete));
        }

        if (bare is not null && parse is not null)
        {
            var ratio = bare.CpuMicrosecondsPerEvent > 0 ? parse.CpuMicrosecondsPerEvent / bare.CpuMicrosecondsPerEvent : double.NaN;
            targets.AddRow(
                "parse-only CPU ÷ bare consumer's CPU, per event",
                "≤ " + ParseCpuTarget.ToString("F2", CultureInfo.InvariantCulture),
                ratio.ToString("F2", CultureInfo.InvariantCulture),
                Verdict(ratio <= ParseCpuTarget && !bare.Incomplete));
        }

        if (inProcess is not null)
        {
            targets.AddRow(
                "in-process → grains (row 3, cold)",
                "≥ " + InProcessTarget.ToString("N0", CultureInfo.InvariantCulture) + " events/s",
                inProcess.EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture) + " events/s",
                Verdict(inProcess.EventsPerSecond >= InProcessTarget && !inProcess.Incomplete));
        }

        if (durable is not null)
        {
            var saturated = durable.Saturated;
            var ratio = saturated is not null && engine is not null && engine.EventsPerSecond > 0 ? saturated.Measurement.EventsPerSecond / engine.EventsPerSecond : double.NaN;
            targets.AddRow(
                "durable ÷ in-memory engine (row 4 saturated, realistic ÷ row 2 steady)",
                "≥ " + DurableRatioTarget.ToString("F2", CultureInfo.InvariantCulture),
                saturated is null ? "no window" : engine is null ? "row 2 not run" : ratio.ToString("F2", CultureInfo.InvariantCulture),
                Verdict(ratio >= DurableRatioTarget && !saturated!.Measurement.Note.Contains("CUT SHORT", StringComparison.Ordinal)) + Reason(saturated is null ? durable.Failure : ""));
            foreach (var (window, missing) in new[] { (durable.Saturated, "durable: saturated, realistic stream"), (durable.Live, "durable: live, realistic stream") })
            {
                var name = window?.Measurement.Name[3..] ?? missing;
                targets.AddRow(
                    Markup.Escape($"database rows per event ({name})"),
                    "≤ " + DurableWritesTarget.ToString("F2", CultureInfo.InvariantCulture),
                    window is null ? "no window" : window.PerEvent(window.DatabaseWrites).ToString("F3", CultureInfo.InvariantCulture),
                    Verdict(window is not null && window.PerEvent(window.DatabaseWrites) <= DurableWritesTarget) + Reason(window is null ? durable.Failure + " " + durable.Skipped : ""));
            }

            targets.AddRow(
                "row 4 completes every window within the budget",
                "all",
                Markup.Escape(durable.Windows.Count() + " of 3"),
                Verdict(durable.Failure.Length == 0 && durable.Skipped.Length == 0) + Reason(durable.Failure + " " + durable.Skipped));
        }

        AnsiConsole.Write(targets);
        AnsiConsole.MarkupLine("Grain calls: Orleans application requests completed in the row (orleans-app-requests-latency samples), storage-grain calls included.");
        AnsiConsole.MarkupLine("Other load: average cores other processes on the machine kept busy during the row (/proc/stat minus this process); above ~0.2 the row was disturbed.");
        AnsiConsole.MarkupLine("CPU µs/event is process CPU time (all threads, librdkafka's included) per event; on this machine at most "
            + machine.ProcessorCount.ToString(CultureInfo.InvariantCulture) + " CPU-seconds pass per second.");
    }

    private static void PrintDurable(DurableResult durable)
    {
        static string F(double value, string format) => double.IsNaN(value) ? "" : value.ToString(format, CultureInfo.InvariantCulture);
        // From host start: the warm-up, with every customer's first write (the slow first flush of issue #16).
        List<DurableWindow> windows = [durable.Total, .. durable.Windows];
        var table = new Table().Border(TableBorder.Rounded).Title("Row 4: durable ingest on PostgreSQL").AddColumn("");
        foreach (var window in windows)
        {
            table.AddColumn(new TableColumn(Markup.Escape(window.Measurement.Name[3..])).RightAligned());
        }

        void Row(string name, Func<DurableWindow, string> value) => table.AddRow([Markup.Escape(name), .. windows.Select(w => Markup.Escape(value(w)))]);
        Row("events / seconds", w => $"{w.Events:N0} / {w.Seconds:F1}");
        Row("events/s", w => F(w.Measurement.EventsPerSecond, "N0") + (w.OfferedRate is { } r ? $" (offered {r:N0})" : ""));
        Row("note", w => w.Measurement.Note);
        Row("checkpoints in window (flush + commit, s)", w => $"{w.Checkpoints}: " + string.Join(", ", w.CheckpointSeconds.Select(c => F(c, "F1"))));
        Row("events/s during checkpoint flushes / between", w => $"{F(w.RateDuringCheckpoints, "N0")} / {F(w.RateBetweenCheckpoints, "N0")}");
        Row("customer state writes (engine counter) / event", w => $"{w.StateWrites:N0} / {F(w.PerEvent(w.StateWrites), "F3")}");
        Row("  of which at checkpoints (estimate)", w => $"{w.StateWritesFromCheckpoints:N0} / {F(w.PerEvent(w.StateWritesFromCheckpoints), "F3")}");
        Row("  of which effects, SMS, wake-ups (estimate)", w => $"{w.StateWrites - w.StateWritesFromCheckpoints:N0} / {F(w.PerEvent(w.StateWrites - w.StateWritesFromCheckpoints), "F3")}");
        Row("state writes / s", w => F(w.StateWrites / w.Seconds, "N0"));
        Row("database rows written / event", w => $"{w.DatabaseWrites:N0} / {F(w.PerEvent(w.DatabaseWrites), "F3")}");
        Row("  customer state (engine_grain_state)", w => $"{w.CustomerRowWrites:N0}");
        Row("  other grain state (phone directory)", w => $"{w.OtherGrainRowWrites:N0}");
        Row("  reminders (orleansremindertable)", w => $"{w.ReminderRowWrites:N0}");
        Row("WAL bytes / event", w => F(w.PerEvent(w.WalBytes), "N0"));
        Row("state write transactions / s; rows per transaction", w => $"{F(w.StateTransactions / w.Seconds, "N0")}; {F(w.StateTransactions == 0 ? double.NaN : (double)w.StateTransactionRows / w.StateTransactions, "F1")}");
        Row("WAL flushes (fsync) / s; rows per flush", w => $"{F(w.WalSyncs / w.Seconds, "N0")}; {F(w.WalSyncs == 0 ? double.NaN : (double)w.DatabaseWrites / w.WalSyncs, "F1")}");
        Row("PostgreSQL CPU µs / event (cores)", w => $"{F(w.PerEvent(w.PostgresCpu.TotalMicroseconds), "F1")} ({F(w.PostgresCpu.TotalSeconds / w.Seconds, "F2")})");
        Row("engine process CPU µs / event (cores)", w => $"{F(w.Measurement.CpuMicrosecondsPerEvent, "F1")} ({F(w.Measurement.Cpu.TotalSeconds / w.Seconds, "F2")})");
        Row("  busiest engine threads (cores)", w => string.Join(", ", w.BusiestThreads.Select(t => $"{t.Group} {t.Cores:F2}")));
        Row("simulated clients' process CPU µs / event (cores)", w => $"{F(w.PerEvent(w.ClientsCpu.TotalMicroseconds), "F1")} ({F(w.ClientsCpu.TotalSeconds / w.Seconds, "F2")})");
        Row("other processes (cores)", w => F(w.Measurement.OtherProcessesCores, "F2"));
        Row("tier changes / SMS sent (per 1,000 events)", w => $"{w.TierChanges:N0} / {w.SmsSent:N0} ({F(1000 * w.PerEvent(w.TierChanges), "F2")} / {F(1000 * w.PerEvent(w.SmsSent), "F2")})");
        Row("Kafka ts → durable, exact: p50 / p99 / max (s)", w => w.Latencies.Length == 0 ? "n/a (includes waiting in the backlog)" : $"{F(w.Latency(0.5), "F1")} / {F(w.Latency(0.99), "F1")} / {F(w.Latency(1), "F1")} ({w.Latencies.Length:N0} events)");
        Row("  mean: exact / engine histogram (s)", w => w.Latencies.Length == 0 ? "" : $"{F(w.Latencies.Average(), "F1")} / {F(w.Histogram.Mean, "F1")}");
        Row("  engine histogram: p50 / p99 (s), buckets", w => w.Latencies.Length == 0 ? "" : $"{F(w.Histogram.Quantile(0.5), "F1")} / {F(w.Histogram.Quantile(0.99), "F1")}, in {w.Histogram.BucketOf(0.5)} and {w.Histogram.BucketOf(0.99)}");
        string Effect(HistogramSnapshot h) => h.Count == 0 ? "none" : $"{F(h.Quantile(0.5), "F3")} / {F(h.Quantile(0.99), "F3")} (in {h.BucketOf(0.99)}; {h.Count:N0})";
        Row("decision → tier-change record on its topic: p50 / p99 (s)", w => Effect(w.TierChangeLatency));
        Row("decision → SMS accepted by the gateway: p50 / p99 (s)", w => Effect(w.SmsLatency));
        Row("cart step due → reminder accepted by the gateway: p50 / p99 (s)", w => Effect(w.CartReminderLatency));
        Row("events produced but not yet applied at the end", w => $"{w.BehindAtEnd:N0}");
        AnsiConsole.Write(table);
        if (durable.Statements.Count > 0)
        {
            var statements = new Table().Border(TableBorder.Rounded).Title("Row 4: costliest statements in the saturated window (pg_stat_statements)")
                .AddColumn("Statement").AddColumn(new TableColumn("Calls").RightAligned()).AddColumn(new TableColumn("Exec ms").RightAligned())
                .AddColumn(new TableColumn("Plan ms").RightAligned()).AddColumn(new TableColumn("µs/call exec + plan").RightAligned()).AddColumn(new TableColumn("WAL B/call").RightAligned());
            foreach (var s in durable.Statements)
            {
                statements.AddRow(
                    Markup.Escape(s.Query),
                    s.Calls.ToString("N0", CultureInfo.InvariantCulture),
                    s.ExecMilliseconds.ToString("N0", CultureInfo.InvariantCulture),
                    s.PlanMilliseconds.ToString("N0", CultureInfo.InvariantCulture),
                    s.Calls == 0 ? "" : $"{s.ExecMilliseconds * 1000 / s.Calls:F0} + {s.PlanMilliseconds * 1000 / s.Calls:F0}",
                    s.Calls == 0 ? "" : (s.WalBytes / s.Calls).ToString("N0", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(statements);
        }

        AnsiConsole.MarkupLine(Markup.Escape($"Row 4 stored state at the end: {durable.StoredState}."));
        AnsiConsole.MarkupLine(Markup.Escape(
            $"Row 4: rewinds {durable.Rewinds}, duplicates {durable.Duplicates}, failed checkpoints {durable.FailedCheckpoints}, live producer failures {durable.ProducerFailed}, "
            + $"most behind schedule {durable.ProducerMostBehind} events, SMS waiting for the dispatcher at the end {durable.SmsBacklogAtEnd}. "
            + (durable.Failure.Length > 0 ? $"Cut short: {durable.Failure}. " : "")
            + (durable.Skipped.Length > 0 ? $"Skipped: {durable.Skipped}. " : "")
            + $"Tier changes in the whole run: {durable.TierChangesByKind}. "
            + "Exact latency: committed offsets polled every 100 ms. Other load excludes PostgreSQL and the simulated clients (counted apart); the engine's process CPU includes the embedded broker (librdkafka's mock cluster), not the clients."));
    }

    private static string Verdict(bool pass) => pass ? "[green]PASS[/]" : "[red]MISS[/]";

    private static string Reason(string reason) => string.IsNullOrWhiteSpace(reason) ? "" : " " + Markup.Escape(reason.Trim());
}

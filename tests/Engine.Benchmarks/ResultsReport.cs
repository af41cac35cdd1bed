using System.Globalization;
using Spectre.Console;

namespace Engine.Benchmarks;

/// <summary>Prints the machine, the measurements and the targets.</summary>
internal static class ResultsReport
{
    public const double RatioTarget = 0.8;
    public const double InProcessTarget = 250_000;

    public static void Print(MachineInfo machine, BenchmarkOptions options, int partitions, IReadOnlyList<Measurement> rows, Measurement? bare, Measurement? engine, Measurement? inProcess)
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
        header.AddRow("Workload", Markup.Escape($"{options.Events} measured events after {options.Warmup} warm-up events (other customers), {options.Customers} customers each, seed {options.Seed}, {partitions} partitions per topic"));
        header.AddRow("Silo settings", Markup.Escape(Describe(options.SiloSettings)));
        header.AddRow("Producer settings", Markup.Escape("Acks.All, LingerMs 5" + (options.ProducerSettings.Count == 0 ? "" : ", " + Describe(options.ProducerSettings))));
        AnsiConsole.Write(new Panel(header).Header("Engagement Engine throughput"));

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Row")
            .AddColumn(new TableColumn("Events").RightAligned())
            .AddColumn(new TableColumn("Seconds").RightAligned())
            .AddColumn(new TableColumn("Events/s").RightAligned())
            .AddColumn(new TableColumn("CPU µs/event").RightAligned())
            .AddColumn(new TableColumn("Alloc B/event").RightAligned())
            .AddColumn(new TableColumn("GC 0/1/2").RightAligned())
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
                row.OrleansRequests == 0 ? "" : row.OrleansRequests.ToString("N0", CultureInfo.InvariantCulture),
                (row.OtherProcessesCores >= 0.2 ? "[yellow]" : "") + row.OtherProcessesCores.ToString("F2", CultureInfo.InvariantCulture) + (row.OtherProcessesCores >= 0.2 ? "[/]" : ""),
                Markup.Escape(row.Note));
        }

        AnsiConsole.Write(table);

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

        if (inProcess is not null)
        {
            targets.AddRow(
                "in-process → grains (row 3, cold)",
                "≥ " + InProcessTarget.ToString("N0", CultureInfo.InvariantCulture) + " events/s",
                inProcess.EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture) + " events/s",
                Verdict(inProcess.EventsPerSecond >= InProcessTarget && !inProcess.Incomplete));
        }

        AnsiConsole.Write(targets);
        AnsiConsole.MarkupLine("Grain calls: Orleans application requests completed in the row (orleans-app-requests-latency samples), storage-grain calls included.");
        AnsiConsole.MarkupLine("Other load: average cores other processes on the machine kept busy during the row (/proc/stat minus this process); above ~0.2 the row was disturbed.");
        AnsiConsole.MarkupLine("CPU µs/event is process CPU time (all threads, librdkafka's included) per event; on this machine at most "
            + machine.ProcessorCount.ToString(CultureInfo.InvariantCulture) + " CPU-seconds pass per second.");
    }

    private static string Verdict(bool pass) => pass ? "[green]PASS[/]" : "[red]MISS[/]";
}

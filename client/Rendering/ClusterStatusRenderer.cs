using Spectre.Console;
using static Engine.Client.Rendering.DisplayFormat;

namespace Engine.Client.Rendering;

/// <summary>The readable form of a <see cref="ClusterStatusReport"/>: silos, then who consumes which partition.</summary>
public static class ClusterStatusRenderer
{
    public static void Render(IAnsiConsole console, ClusterStatusReport report)
    {
        var silos = new Table().Border(TableBorder.Rounded).Title("silos (times UTC)", new Style(decoration: Decoration.Bold));
        silos.AddColumn("silo");
        silos.AddColumn("name");
        silos.AddColumn("membership");
        silos.AddColumn("started");
        silos.AddColumn("ready");
        silos.AddColumn(new TableColumn("partitions").RightAligned());
        silos.AddColumn(new TableColumn("lag").RightAligned());
        silos.AddColumn(new TableColumn("applied").RightAligned());
        silos.AddColumn("reported");
        foreach (var silo in report.Silos)
        {
            silos.AddRow(
                new Text(silo.Silo),
                new Text(Text(silo.Name)),
                new Text(silo.Status),
                new Text(Second(silo.StartedAt)),
                new Text(Readiness(silo)),
                new Text(silo.ReportedAt is null ? None : Count(silo.Partitions.Count)),
                new Text(silo.Lag is { } lag ? Count(lag) : None),
                new Text(silo.EventsApplied is { } applied ? Count(applied) : None),
                new Text(silo.ReportedAt is null ? "never" : Second(silo.ReportedAt) + (silo.Stale ? " (stale)" : "")));
        }

        console.Write(silos);
        var partitions = new Table().Border(TableBorder.Rounded).Title("partitions", new Style(decoration: Decoration.Bold));
        partitions.AddColumn("topic");
        partitions.AddColumn(new TableColumn("partition").RightAligned());
        partitions.AddColumn("consumed by");
        partitions.AddColumn(new TableColumn("lag").RightAligned());
        var rows = report.Silos.Where(s => !s.Stale).SelectMany(s => s.Partitions.Select(p => (p, s.Name.Length > 0 ? s.Name : s.Silo)))
            .OrderBy(r => r.p.Topic, StringComparer.Ordinal).ThenBy(r => r.p.Partition).ToList();
        if (rows.Count == 0)
        {
            partitions.AddRow("none", None, None, None);
        }

        foreach (var (partition, silo) in rows)
        {
            partitions.AddRow(new Text(partition.Topic), new Text(partition.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Text(silo), new Text(Count(partition.Lag)));
        }

        console.Write(partitions);
        console.WriteLine(report.AllReady ? "cluster ready" : "cluster NOT ready");
    }

    private static string Readiness(SiloStatusRow silo) => silo.Ready switch
    {
        true when !silo.Stale => "yes",
        true => "unknown (stale report)",
        false => "no: " + silo.Problem,
        null => "unknown (no report)",
    };
}

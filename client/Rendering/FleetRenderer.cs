using System.Globalization;
using Engine.Contracts;
using Spectre.Console;
using static Engine.Client.Rendering.DisplayFormat;

namespace Engine.Client.Rendering;

/// <summary>The readable forms of the fleet reports: tiers, segments, top customers, found customers.</summary>
public static class FleetRenderer
{
    public static void Render(IAnsiConsole console, TierReport report)
    {
        var table = Titled($"customers per tier ({Count(report.Customers)} customers, from the projection)");
        table.AddColumn("tier");
        table.AddColumn(new TableColumn("customers").RightAligned());
        table.AddColumn(new TableColumn("share").RightAligned());
        foreach (var row in report.Tiers)
        {
            table.AddRow(new Text(row.Tier ?? "(none yet)"), new Text(Count(row.Customers)), new Text(Percent(row.Share)));
        }

        console.Write(table);
    }

    public static void Render(IAnsiConsole console, IReadOnlyList<SegmentSize> segments)
    {
        var table = Titled("segments (sizes from the projection; definitions from Segments:Rules)");
        table.AddColumn("segment");
        table.AddColumn(new TableColumn("customers").RightAligned());
        table.AddColumn("definition");
        foreach (var segment in segments)
        {
            table.AddRow(new Text(segment.Segment), new Text(Count(segment.Customers)), new Text(segment.Definition));
        }

        console.Write(table);
    }

    public static void Render(IAnsiConsole console, string title, IReadOnlyList<CustomerRow> customers)
    {
        // The narrow columns a terminal of 80 can show; --json has every figure (P(alive), rolling spend, as of).
        var table = Titled(title).Caption("as of each customer's last write");
        table.AddColumn(new TableColumn("#").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("customer").NoWrap());
        table.AddColumn("tier");
        table.AddColumn(new TableColumn("clv").RightAligned());
        table.AddColumn(new TableColumn("spend").RightAligned());
        table.AddColumn(new TableColumn("orders").RightAligned());
        table.AddColumn(new TableColumn("points").RightAligned());
        table.AddColumn("consent");
        table.AddColumn("segments");
        var position = 0;
        foreach (var row in customers)
        {
            table.AddRow(
                new Text((row.Rank ?? ++position).ToString(CultureInfo.InvariantCulture)),
                new Text(row.CustomerId),
                new Text(Text(row.Tier)),
                new Text(row.PredictedLifetimeValue is { } clv ? Money(clv) : None),
                new Text(Money(row.LifetimeSpend)),
                new Text(Count(row.Orders)),
                new Text(Count(row.PointsBalance)),
                new Text(row.Consent),
                new Text(row.Segments.Count == 0 ? None : string.Join(", ", row.Segments)));
        }

        console.Write(table);
    }

    public static void Render(IAnsiConsole console, AudienceReport report)
    {
        var filter = string.Join(", ", new[] { ("tier", report.Tier), ("segment", report.Segment), ("consent", report.Consent) }
            .Where(p => p.Item2 is not null).Select(p => $"{p.Item1} {p.Item2}"));
        console.MarkupLine($"[bold]{Count(report.Customers)}[/] customers{(filter.Length == 0 ? "" : Markup.Escape(" with " + filter))}");
    }

    private static Table Titled(string title) => new Table().Border(TableBorder.Rounded).Title(title, new Style(decoration: Decoration.Bold));

    private static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}

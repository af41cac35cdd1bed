using Spectre.Console;
using static Engine.Client.Rendering.DisplayFormat;

namespace Engine.Client.Rendering;

/// <summary>The readable forms of the dead-letter reports.</summary>
public static class DeadLetterRenderer
{
    public static void RenderList(IAnsiConsole console, DeadLetterListReport report)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{report.Topic}: {Count(report.Total)} dead letters{(report.Shown.Count < report.Total ? $", the last {Count(report.Shown.Count)} shown" : "")} (times UTC)", new Style(decoration: Decoration.Bold));
        table.AddColumn("dead letter");
        table.AddColumn("rejected");
        table.AddColumn("reason");
        table.AddColumn("detail");
        table.AddColumn("from");
        table.AddColumn("key");
        if (report.Shown.Count == 0)
        {
            table.AddRow("none", None, None, None, None, None);
        }

        foreach (var letter in report.Shown)
        {
            table.AddRow(
                new Text(letter.Position),
                new Text(Second(letter.RejectedAt)),
                new Text(Text(letter.Reason)),
                new Text(Text(letter.Detail)),
                new Text(Source(letter)),
                new Text(Text(letter.Key)));
        }

        console.Write(table);
        if (report.ByReason.Count > 0)
        {
            console.WriteLine("by reason: " + string.Join(", ", report.ByReason.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {Count(r.Value)}")));
        }
    }

    public static void RenderOne(IAnsiConsole console, DeadLetterReport letter)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow("dead letter", letter.Position);
        grid.AddRow("rejected", Moment(letter.RejectedAt));
        grid.AddRow("reason", Text(letter.Reason));
        grid.AddRow("detail", Markup.Escape(Text(letter.Detail)));
        grid.AddRow("from", Markup.Escape(Source(letter)));
        grid.AddRow("key", Markup.Escape(Text(letter.Key)));
        grid.AddRow("bytes", Count(letter.Bytes));
        foreach (var (name, value) in letter.Headers)
        {
            grid.AddRow("header " + Markup.Escape(name), Markup.Escape(value));
        }

        console.Write(grid);
        console.WriteLine();
        console.WriteLine(letter.Value ?? "");
    }

    private static string Source(DeadLetterReport letter) =>
        letter.SourceTopic.Length == 0 ? None : $"{letter.SourceTopic}[{letter.SourcePartition}]@{letter.SourceOffset}";
}

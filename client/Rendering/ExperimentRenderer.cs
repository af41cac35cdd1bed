using System.Globalization;
using Spectre.Console;
using static Engine.Client.Rendering.DisplayFormat;

namespace Engine.Client.Rendering;

/// <summary>The readable form of an <see cref="ExperimentReport"/>: one row per variant.</summary>
public static class ExperimentRenderer
{
    public static void Render(IAnsiConsole console, ExperimentReport report)
    {
        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title($"cart abandonment experiments (difference from the baseline, {Percent(report.Confidence, 0)} interval)", new Style(decoration: Decoration.Bold));
        table.AddColumn("experiment");
        table.AddColumn("step");
        table.AddColumn("variant");
        table.AddColumn(new TableColumn("sends").RightAligned());
        table.AddColumn(new TableColumn("recovered").RightAligned());
        table.AddColumn(new TableColumn("rate").RightAligned());
        table.AddColumn(new TableColumn("revenue").RightAligned());
        table.AddColumn(new TableColumn("difference").RightAligned());
        if (report.Variants.Count == 0)
        {
            table.AddRow("none", None, None, None, None, None, None, None);
        }

        foreach (var row in report.Variants)
        {
            table.AddRow(
                new Text(row.Experiment),
                new Text(row.Step),
                new Text(row.IsBaseline ? row.Variant + " (baseline)" : row.Variant),
                new Text(Count(row.Sends)),
                new Text(Count(row.Conversions)),
                new Text(Percent(row.Rate, 1)),
                new Text(Money(row.Revenue)),
                new Text(Difference(row)));
        }

        console.Write(table);
    }

    private static string Difference(ExperimentVariantRow row) => row.Difference is { } difference
        ? $"{Points(difference)} [{Points(row.Low!.Value)}, {Points(row.High!.Value)}]{(row.Significant == true ? " *" : "")}"
        : None;

    private static string Percent(double share, int decimals) => (share * 100).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " %";

    // Percentage points, signed.
    private static string Points(double difference) => (difference * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " pp";
}

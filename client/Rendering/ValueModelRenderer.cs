using System.Globalization;
using Engine.Client.Commands;
using Engine.Domain.Value.Model;
using Spectre.Console;
using static Engine.Client.Rendering.DisplayFormat;

namespace Engine.Client.Rendering;

/// <summary>The readable form of a fit and of the versions kept.</summary>
public static class ValueModelRenderer
{
    public static void Render(IAnsiConsole console, ValueModelFitReport report)
    {
        var m = report.Model;
        var table = new Table().Border(TableBorder.Rounded)
            .Title(report.Published ? $"value model version {m.Version}, published" : "value model (not published)", new Style(decoration: Decoration.Bold));
        table.AddColumn("");
        table.AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("customers (repeat buyers)", $"{Count(report.Customers)} ({Count(report.RepeatBuyers)})");
        table.AddRow($"mean x / tₓ / T (periods of {Number(m.PeriodDays)} days)", $"{Number(report.MeanFrequency)} / {Number(report.MeanRecency)} / {Number(report.MeanAge)}");
        table.AddRow("BG/NBD r, α, a, b", $"{Number(m.Purchases.R)}, {Number(m.Purchases.Alpha)}, {Number(m.Purchases.A)}, {Number(m.Purchases.B)}");
        table.AddRow("BG/NBD log-likelihood", Number(m.PurchasesLogLikelihood, "0.0"));
        table.AddRow("Gamma-Gamma p, q, γ", $"{Number(m.Spend.P)}, {Number(m.Spend.Q)}, {Number(m.Spend.Gamma)}");
        table.AddRow("population mean value per purchase", Number(m.Spend.PopulationMeanValue, "0.00"));
        table.AddRow("optimiser iterations (BG/NBD, Gamma-Gamma)", $"{report.PurchaseIterations}, {report.SpendIterations}{(report.Converged ? "" : " NOT CONVERGED")}");
        table.AddRow("fit time", $"{Number(report.Seconds, "0.00")} s");
        console.Write(table);
    }

    public static void Render(IAnsiConsole console, IReadOnlyList<ValueModel> versions)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("value model versions (last in use)", new Style(decoration: Decoration.Bold));
        foreach (var column in new[] { "version", "fitted (UTC)", "source", "customers", "period days", "r, α, a, b", "p, q, γ" })
        {
            table.AddColumn(column);
        }

        foreach (var m in versions)
        {
            table.AddRow(
                m.Version.ToString(CultureInfo.InvariantCulture), Minute(m.FittedAt), Text(m.Source), Count(m.Customers), Number(m.PeriodDays),
                $"{Number(m.Purchases.R)}, {Number(m.Purchases.Alpha)}, {Number(m.Purchases.A)}, {Number(m.Purchases.B)}",
                $"{Number(m.Spend.P)}, {Number(m.Spend.Q)}, {Number(m.Spend.Gamma)}");
        }

        console.Write(table);
    }

    private static string Number(double value, string format = "0.###") => value.ToString(format, CultureInfo.InvariantCulture);
}

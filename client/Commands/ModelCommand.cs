using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Engine.Client.Rendering;
using Engine.Client.Value;
using Engine.Contracts;
using Engine.Domain.Value.Model;
using Spectre.Console;

namespace Engine.Client.Commands;

/// <summary>
/// <c>model fit --from FILE --calibration-end DATE [--period-days D] [--dry-run] [--json]</c>,
/// <c>model fit --from postgres [...]</c> and <c>model show [--json]</c>: fit the value model
/// (BG/NBD and Gamma-Gamma) to a purchase history, or to the purchase summaries the customer
/// projection keeps, and publish it to the engine as its next version; show the versions in use.
/// </summary>
public static class ModelCommand
{
    public static Command Create(EngineAddressOptions engine)
    {
        var model = new Command("model", "Fit the customer value model (BG/NBD purchases, Gamma-Gamma spend) and see the version in use.");
        model.Add(Fit(engine));
        model.Add(Show(engine));
        return model;
    }

    private static Command Fit(EngineAddressOptions engine)
    {
        var from = new Option<string>("--from")
        {
            Description = "Purchase history to fit: the order history import reads (.csv or .jsonl: customer, order, time, amount, currency), "
                + "or the CDNOW layout (.txt: customer yyyymmdd quantity value, whitespace-separated); or 'postgres': every buying customer's "
                + "purchase summary in the engine's customer projection, observed until now",
            Required = true,
        };
        var calibrationEnd = new Option<string?>("--calibration-end")
        {
            Description = "Last day of the period the fit sees, yyyy-MM-dd (T is measured to it; later purchases are left out). Required with a file; "
                + "not with postgres, whose summaries are totals observed until now",
        };
        var periodDays = new Option<double>("--period-days")
        {
            Description = "Length of the model's time unit in days (7: weeks, as the papers)",
            DefaultValueFactory = _ => 7,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Fit and print, but do not publish to the engine" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("fit", "Fit the value model to a purchase history by maximum likelihood and publish it as the engine's next version.")
        {
            from, calibrationEnd, periodDays, dryRun, json,
        };
        command.Validators.Add(result =>
        {
            var fromProjection = string.Equals(result.GetValue(from), FromProjection, StringComparison.OrdinalIgnoreCase);
            if (fromProjection && result.GetValue(calibrationEnd) is not null)
            {
                result.AddError("--calibration-end cannot be used with --from postgres: the projection keeps each customer's totals, not the history to cut.");
            }
            else if (!fromProjection && result.GetValue(calibrationEnd) is null)
            {
                result.AddError("--calibration-end is required with a file.");
            }
        });
        command.SetAction((parse, cancellationToken) => string.Equals(parse.GetValue(from), FromProjection, StringComparison.OrdinalIgnoreCase)
            ? FitProjectionAsync(engine.Read(parse), parse.GetValue(periodDays), parse.GetValue(dryRun), parse.GetValue(json), cancellationToken)
            : FitAsync(engine.Read(parse), new FileInfo(parse.GetValue(from)!), parse.GetValue(calibrationEnd)!, parse.GetValue(periodDays), parse.GetValue(dryRun), parse.GetValue(json), cancellationToken));
        return command;
    }

    private static Command Show(EngineAddressOptions engine)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("show", "Show the value model versions the engine keeps, the one in use last.") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            IReadOnlyList<ValueModel> versions;
            try
            {
                versions = await ClusterConnection.AskAsync(engine.Read(parse), c => c.GetGrain<IValueModelGrain>(IValueModelGrain.Key).GetHistoryAsync(), cancellationToken);
            }
            catch (EngineUnreachableException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.EngineUnreachable;
            }

            if (parse.GetValue(json))
            {
                await Console.Out.WriteLineAsync(ReportJson.Serialize(versions));
            }
            else if (versions.Count == 0)
            {
                await Console.Out.WriteLineAsync("No value model has been fitted yet: run 'model fit'.");
            }
            else
            {
                ValueModelRenderer.Render(AnsiConsole.Console, versions);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The <c>--from</c> value that fits from the customer projection.</summary>
    public const string FromProjection = "postgres";

    /// <summary>Purchase summaries per grain call: a page is ~40 bytes a customer.</summary>
    private const int SummaryPage = 10_000;

    private static async Task<int> FitProjectionAsync(EngineAddress address, double periodDays, bool dryRun, bool asJson, CancellationToken cancellationToken)
    {
        if (!(periodDays > 0))
        {
            await Console.Error.WriteLineAsync("--period-days must be above 0");
            return ExitCodes.Usage;
        }

        var read = await GrainCall.AskAsync("model fit", address, async client =>
        {
            var grain = client.GetGrain<ICustomerProjectionGrain>(ICustomerProjectionGrain.Key);
            var summaries = new List<PurchaseSummary>();
            string? next = "";
            while (next is not null)
            {
                var page = await grain.GetPurchaseSummariesAsync(next, SummaryPage);
                // The projection keeps days; the model counts in periods of --period-days.
                summaries.AddRange(page.Summaries.Select(s => new PurchaseSummary(s.Frequency, s.Recency / periodDays, s.Age / periodDays, s.MeanRepeatValue)));
                next = page.Next;
            }

            return summaries;
        }, cancellationToken);
        if (!read.Succeeded)
        {
            return read.ExitCode;
        }

        if (read.Value!.Count == 0)
        {
            await Console.Error.WriteLineAsync("model fit: the customer projection has no buying customer to fit");
            return ExitCodes.Failed;
        }

        var report = ValueModelFitReport.Fit("customer projection", read.Value, periodDays);
        return await PublishAndShowAsync(address, report, dryRun, asJson, cancellationToken);
    }

    private static async Task<int> FitAsync(EngineAddress address, FileInfo from, string calibrationEndText, double periodDays, bool dryRun, bool asJson, CancellationToken cancellationToken)
    {
        if (!DateOnly.TryParseExact(calibrationEndText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var calibrationEnd))
        {
            await Console.Error.WriteLineAsync($"--calibration-end '{calibrationEndText}' is not a date (yyyy-MM-dd)");
            return ExitCodes.Usage;
        }

        if (!(periodDays > 0))
        {
            await Console.Error.WriteLineAsync("--period-days must be above 0");
            return ExitCodes.Usage;
        }

        ValueModelFitReport report;
        try
        {
            report = ValueModelFitReport.Fit(from.FullName, TransactionLogs.Read(from.FullName), calibrationEnd, periodDays);
        }
        catch (Exception e) when (e is IOException or FormatException or ArgumentException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"model fit: {e.Message}");
            return ExitCodes.Usage;
        }

        return await PublishAndShowAsync(address, report, dryRun, asJson, cancellationToken);
    }

    private static async Task<int> PublishAndShowAsync(EngineAddress address, ValueModelFitReport report, bool dryRun, bool asJson, CancellationToken cancellationToken)
    {
        if (!dryRun)
        {
            try
            {
                var published = await ClusterConnection.AskAsync(address, c => c.GetGrain<IValueModelGrain>(IValueModelGrain.Key).PublishAsync(report.Model), cancellationToken);
                report = report with { Model = published, Published = true };
            }
            catch (EngineUnreachableException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.EngineUnreachable;
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"model fit: the engine refused the model: {e.Message}");
                return ExitCodes.Failed;
            }
        }

        if (asJson)
        {
            await Console.Out.WriteLineAsync(ReportJson.Serialize(report));
        }
        else
        {
            ValueModelRenderer.Render(AnsiConsole.Console, report);
        }

        return report.Converged ? ExitCodes.Success : ExitCodes.Failed;
    }
}

/// <summary>What a fit found and how it went.</summary>
public sealed record ValueModelFitReport(
    ValueModel Model, int Customers, int RepeatBuyers, double MeanFrequency, double MeanRecency, double MeanAge,
    int PurchaseIterations, int SpendIterations, bool Converged, double Seconds, bool Published)
{
    public static ValueModelFitReport Fit(string source, IEnumerable<Transaction> transactions, DateOnly calibrationEnd, double periodDays)
    {
        var started = Stopwatch.GetTimestamp();
        var log = transactions as IReadOnlyCollection<Transaction> ?? [.. transactions];
        var summaries = PurchaseSummaries.From(log, calibrationEnd, periodDays).Values.ToList();
        if (summaries.Count == 0)
        {
            throw new FormatException($"no purchase on or before {calibrationEnd:yyyy-MM-dd}");
        }

        var fit = Fit(Path.GetFileName(source), summaries, periodDays);
        // Ranked with the default horizon and no discounting (the client does not know the silo's ValueModel:Forecast).
        var model = fit.Model with { Population = PopulationRanks.From(log, calibrationEnd, fit.Model, new ValueForecastOptions(), fit.Model.FittedAt) };
        return fit with { Model = model, Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds };
    }

    /// <summary>
    /// Fits customers' summaries already in the model's periods; <paramref name="source"/> names
    /// where they came from. Without the transactions there are no population ranks (the
    /// projection keeps no per-day spend): rules on RFM and CLV percentiles then hold for nobody.
    /// </summary>
    public static ValueModelFitReport Fit(string source, IReadOnlyList<PurchaseSummary> summaries, double periodDays)
    {
        var started = Stopwatch.GetTimestamp();
        var purchases = BgNbdModel.Fit(summaries);
        var spend = GammaGammaModel.Fit(summaries);
        var model = new ValueModel(
            0, DateTimeOffset.UtcNow, periodDays, purchases.Parameters, spend.Parameters, source,
            summaries.Count, purchases.LogLikelihood, spend.LogLikelihood);
        return new ValueModelFitReport(
            model, summaries.Count, spend.Customers, summaries.Average(s => s.Frequency), summaries.Average(s => s.Recency), summaries.Average(s => s.Age),
            purchases.Iterations, spend.Iterations, purchases.Converged && spend.Converged, Stopwatch.GetElapsedTime(started).TotalSeconds, false);
    }
}

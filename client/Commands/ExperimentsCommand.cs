using System.CommandLine;
using Engine.Client.Rendering;
using Engine.Contracts;
using Spectre.Console;

namespace Engine.Client.Commands;

/// <summary><c>experiments [--confidence C] [--json]</c>: sends, recovered carts, rates and intervals of the cart message variants.</summary>
public static class ExperimentsCommand
{
    public static Command Create(EngineAddressOptions engine)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var confidence = new Option<double>("--confidence")
        {
            Description = "Confidence of the interval on each variant's difference from the baseline: 0.90, 0.95 or 0.99",
            DefaultValueFactory = _ => 0.95,
        };
        confidence.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (0.90 or 0.95 or 0.99))
            {
                result.AddError("--confidence must be 0.90, 0.95 or 0.99");
            }
        });

        var command = new Command(
            "experiments",
            "Show the cart abandonment experiments: per step and variant the messages sent, the carts recovered (a purchase within "
            + "the attribution window), the rate and revenue, and each variant's difference from the baseline (the variant named "
            + "'control', else the first by name) with a two-proportion confidence interval.")
        {
            json,
            confidence,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(engine.Read(parseResult), parseResult.GetValue(confidence), parseResult.GetValue(json), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(EngineAddress address, double confidence, bool asJson, CancellationToken cancellationToken)
    {
        var totals = await GrainCall.AskAsync("experiments", address, client => client.GetGrain<IExperimentLedgerGrain>(IExperimentLedgerGrain.Key).GetTotalsAsync(), cancellationToken);
        if (!totals.Succeeded)
        {
            return totals.ExitCode;
        }

        var report = ExperimentReport.From(totals.Value!, confidence);
        await ReportOutput.WriteAsync(report, asJson, ExperimentRenderer.Render);

        return ExitCodes.Success;
    }
}

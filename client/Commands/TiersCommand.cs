using System.CommandLine;
using Engine.Client.Rendering;
using Spectre.Console;

namespace Engine.Client.Commands;

/// <summary><c>tiers [--json]</c>: how many customers hold each tier, from the projection.</summary>
public static class TiersCommand
{
    public static Command Create(EngineAddressOptions engine)
    {
        var json = CustomersCommand.JsonOption();
        var command = new Command("tiers", "Customers per loyalty tier, from the customer projection.") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var answer = await ProjectionCall.AskAsync("tiers", engine.Read(parse), grain => grain.GetTiersAsync(), cancellationToken);
            if (!answer.Succeeded)
            {
                return answer.ExitCode;
            }

            var report = TierReport.From(answer.Value!);
            await ReportOutput.WriteAsync(report, parse.GetValue(json), FleetRenderer.Render);

            return ExitCodes.Success;
        });
        return command;
    }
}

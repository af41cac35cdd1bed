using System.CommandLine;
using Engine.Client.Rendering;
using Spectre.Console;

namespace Engine.Client.Commands;

/// <summary><c>customer show ID [--json]</c>: what the customer's grain holds right now.</summary>
public static class CustomerShowCommand
{
    public static Command Create(EngineAddressOptions engine)
    {
        var customerId = CustomerArguments.Id();
        var json = new Option<bool>("--json") { Description = "Print JSON (phone masked) instead of tables" };

        var command = new Command("show", "Show a customer's profile, value, engagement, cart, points and tier, messages and processing state.")
        {
            customerId,
            json,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            engine.Read(parseResult),
            parseResult.GetRequiredValue(customerId),
            parseResult.GetValue(json),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(EngineAddress address, string customerId, bool asJson, CancellationToken cancellationToken)
    {
        var answer = await CustomerCall.AskAsync("customer show", address, customerId, grain => grain.GetViewAsync(), cancellationToken);
        if (!answer.Succeeded)
        {
            return answer.ExitCode;
        }

        var report = CustomerReport.From(customerId, answer.Value!);
        if (asJson)
        {
            await Console.Out.WriteLineAsync(ReportJson.Serialize(report));
        }
        else
        {
            CustomerReportRenderer.Render(AnsiConsole.Console, report);
        }

        return ExitCodes.Success;
    }
}

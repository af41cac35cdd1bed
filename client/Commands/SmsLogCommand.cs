using System.CommandLine;
using Engine.Client.Rendering;
using Engine.Domain.Effects;
using Spectre.Console;

namespace Engine.Client.Commands;

/// <summary><c>sms log CUSTOMER [--json]</c>: the customer's SMS in the outbox, newest first.</summary>
public static class SmsLogCommand
{
    public static Command Create(EngineAddressOptions engine)
    {
        var customerId = CustomerArguments.Id("CUSTOMER");
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };

        var command = new Command(
            "log",
            "Show the customer's SMS, newest first: status, timing, delivery, and why one was not sent. "
            + $"The outbox keeps the latest {Outbox.FinishedCapacity} finished messages of all kinds; older ones are gone.")
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
        var answer = await CustomerCall.AskAsync("sms log", address, customerId, grain => grain.GetViewAsync(), cancellationToken);
        if (!answer.Succeeded)
        {
            return answer.ExitCode;
        }

        var report = SmsLogReport.From(customerId, answer.Value!);
        if (asJson)
        {
            await Console.Out.WriteLineAsync(ReportJson.Serialize(report));
        }
        else
        {
            SmsLogRenderer.Render(AnsiConsole.Console, report);
        }

        return ExitCodes.Success;
    }
}

using System.CommandLine;
using Engine.Client.Rendering;
using Spectre.Console;

namespace Engine.Client.Commands;

/// <summary><c>segments [--json]</c>: every configured segment, its definition and its size.</summary>
public static class SegmentsCommand
{
    public static Command Create(EngineAddressOptions engine)
    {
        var json = CustomersCommand.JsonOption();
        var command = new Command("segments", "The segments in force (Segments:Rules), each with its definition and how many customers are in it.") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var answer = await ProjectionCall.AskAsync("segments", engine.Read(parse), grain => grain.GetSegmentsAsync(), cancellationToken);
            if (!answer.Succeeded)
            {
                return answer.ExitCode;
            }

            await ReportOutput.WriteAsync(answer.Value!, parse.GetValue(json), FleetRenderer.Render);

            return ExitCodes.Success;
        });
        return command;
    }
}

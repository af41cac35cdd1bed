using Spectre.Console;

namespace Engine.Client.Rendering;

/// <summary>How every read command answers: JSON for scripts with <c>--json</c>, else its table.</summary>
public static class ReportOutput
{
    public static async Task WriteAsync<T>(T report, bool asJson, Action<IAnsiConsole, T> render)
    {
        if (asJson)
        {
            await Console.Out.WriteLineAsync(ReportJson.Serialize(report));
        }
        else
        {
            render(AnsiConsole.Console, report);
        }
    }
}

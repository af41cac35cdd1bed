using System.Globalization;
using System.Text.Json;

namespace Engine.Integration.Tests.Processes;

/// <summary>engine-admin run as an operator runs it, against the silo listening on a gateway port.</summary>
internal static class EngineAdmin
{
    public static Task<ToolRun.Result> RunAsync(int gatewayPort, params string[] arguments) =>
        ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, .. arguments, "--gateway-port", gatewayPort.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>Runs a command that must succeed and returns its <c>--json</c> output.</summary>
    public static async Task<JsonElement> JsonAsync(int gatewayPort, params string[] arguments)
    {
        var run = await RunAsync(gatewayPort, arguments);
        Assert.True(run.ExitCode == 0, $"engine-admin {string.Join(' ', arguments)} failed ({run.ExitCode}): {run.Error}");
        using var document = JsonDocument.Parse(run.Output);
        return document.RootElement.Clone();
    }
}

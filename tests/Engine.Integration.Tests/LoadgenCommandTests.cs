using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Engine.Integration.Tests.Processes;

namespace Engine.Integration.Tests;

/// <summary><c>engine-admin loadgen</c> against a running silo: the engine consumes exactly what it says it produced.</summary>
[Trait("Category", "EndToEnd")]
public sealed partial class LoadgenCommandTests
{
    [Fact]
    public async Task Loadgen_produces_rate_times_duration_events_and_the_engine_consumes_every_one()
    {
        await using var silo = await SiloProcess.StartAsync();
        var run = await AdminAsync(silo, "loadgen", "--rate", "200", "--customers", "25", "--duration", "3s", "--json");

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        using var report = JsonDocument.Parse(run.Output);
        Assert.Equal(600, report.RootElement.GetProperty("sent").GetInt64());
        Assert.Equal(600, report.RootElement.GetProperty("delivered").GetInt32());
        Assert.Equal(0, report.RootElement.GetProperty("failed").GetInt32());
        // Paced: 600 events at 200/s take about three seconds, not a burst.
        Assert.True(report.RootElement.GetProperty("seconds").GetDouble() >= 2.5, run.Output);

        using var http = new HttpClient();
        await Eventually.Until(
            async () => Consumed().Matches(await http.GetStringAsync(silo.BaseUrl + "/metrics")).Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)),
            consumed => consumed == 600,
            TimeSpan.FromMinutes(1),
            "the engine to consume the 600 events loadgen produced");
    }

    [Fact]
    public async Task Bad_loadgen_arguments_get_a_clear_message_and_exit_code_2()
    {
        await using var silo = await SiloProcess.StartAsync();
        (string[] Arguments, string Message)[] cases =
        [
            (["--rate", "0"], "--rate must be between 1"),
            (["--duration", "soon"], "--duration must be a positive duration"),
            (["--customers", "-3"], "--customers must be between 1"),
            (["--profile", "chaos"], "chaos"),
        ];
        foreach (var (arguments, message) in cases)
        {
            var run = await AdminAsync(silo, ["loadgen", .. arguments]);

            Assert.True(run.ExitCode == 2, $"loadgen {string.Join(' ', arguments)}: exit {run.ExitCode}");
            Assert.Contains(message, run.Output + run.Error, StringComparison.Ordinal);
        }
    }

    private static Task<ToolRun.Result> AdminAsync(SiloProcess silo, params string[] arguments) => EngineAdmin.RunAsync(silo.GatewayPort, arguments);

    [GeneratedRegex(@"^engine_events_consumed_total\{[^}]*\} (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Consumed();
}

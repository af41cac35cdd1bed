using System.Globalization;
using System.Text.Json;
using Engine.Integration.Tests.Processes;
using Engine.Silo.Kafka;

namespace Engine.Integration.Tests;

/// <summary><c>engine-admin status</c> against a running silo, and without one.</summary>
[Trait("Category", "EndToEnd")]
public sealed class StatusCommandTests
{
    [Fact]
    public async Task Status_shows_the_ready_silo_with_every_partition_it_consumes()
    {
        await using var silo = await SiloProcess.StartAsync();
        var expectedPartitions = new KafkaTopics().Inbound.Count * new EmbeddedKafkaOptions().Partitions;

        var status = await Eventually.Until(
            () => AdminAsync(silo.GatewayPort, "status", "--json"),
            run => run.ExitCode == 0 && Silos(run).Single().GetProperty("partitions").GetArrayLength() == expectedPartitions,
            TimeSpan.FromMinutes(1),
            "the silo to report itself ready with its partitions");
        var only = Silos(status).Single();
        Assert.Equal("active", only.GetProperty("status").GetString());
        Assert.True(only.GetProperty("ready").GetBoolean());
        Assert.False(only.GetProperty("stale").GetBoolean());

        var table = await AdminAsync(silo.GatewayPort, "status");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("cluster ready", table.Output);
        Assert.Contains("engagement.purchases", table.Output);
    }

    [Fact]
    public async Task Status_without_a_reachable_cluster_exits_3()
    {
        var run = await AdminAsync(FreePorts.Next(), "status");

        Assert.Equal(3, run.ExitCode);
        Assert.NotEmpty(run.Error);
    }

    [Fact]
    public async Task Settings_come_from_the_config_file_the_environment_over_it_and_flags_over_both()
    {
        await using var silo = await SiloProcess.StartAsync();
        var directory = Directory.CreateTempSubdirectory("engine-admin-").FullName;
        var config = Path.Combine(directory, "config.json");
        await File.WriteAllTextAsync(config, $$$"""{"Orleans": {"GatewayPort": {{{silo.GatewayPort}}} } }""");
        var wrongPort = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        var right = silo.GatewayPort.ToString(CultureInfo.InvariantCulture);

        var fromFile = await Eventually.Until(
            () => ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, "status"], environment: new Dictionary<string, string> { ["ENGINE_ADMIN_CONFIG"] = config }),
            run => run.ExitCode == 0,
            TimeSpan.FromMinutes(1),
            "status to reach the silo named in the config file");
        Assert.Contains("cluster ready", fromFile.Output);
        var environmentWins = await ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, "status"],
            environment: new Dictionary<string, string> { ["ENGINE_ADMIN_CONFIG"] = config, ["Orleans__GatewayPort"] = wrongPort });
        Assert.Equal(3, environmentWins.ExitCode);
        var flagWins = await ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, "status", "--gateway-port", right],
            environment: new Dictionary<string, string> { ["ENGINE_ADMIN_CONFIG"] = config, ["Orleans__GatewayPort"] = wrongPort });
        Assert.Equal(0, flagWins.ExitCode);

        await File.WriteAllTextAsync(config, "{ not json");
        var broken = await ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, "status"], environment: new Dictionary<string, string> { ["ENGINE_ADMIN_CONFIG"] = config });
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("cannot read the config file", broken.Error);
        Directory.Delete(directory, recursive: true);
    }

    private static List<JsonElement> Silos(ToolRun.Result run)
    {
        using var document = JsonDocument.Parse(run.Output);
        return [.. document.RootElement.GetProperty("silos").EnumerateArray().Select(e => e.Clone())];
    }

    private static Task<ToolRun.Result> AdminAsync(int gatewayPort, params string[] arguments) => EngineAdmin.RunAsync(gatewayPort, arguments);
}

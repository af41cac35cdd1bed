namespace Engine.Integration.Tests;

/// <summary>What an operator applies must be accepted by the real tools.</summary>
[Trait("Category", "Integration")]
public sealed class DeployManifestTests
{
    [Fact]
    public async Task Prometheus_config_and_alert_rules_pass_promtool()
    {
        var promtool = ToolRun.Require("promtool", "prometheus");
        var directory = Path.Combine(RepositoryLayout.Root, "deploy", "prometheus");

        var config = await ToolRun.RunAsync(promtool, ["check", "config", Path.Combine(directory, "prometheus.yml")]);
        Assert.True(config.ExitCode == 0, config.Output + config.Error);
        var rules = await ToolRun.RunAsync(promtool, ["check", "rules", Path.Combine(directory, "engine-alerts.yml")]);
        Assert.True(rules.ExitCode == 0, rules.Output + rules.Error);
        Assert.Contains("rules found", rules.Output);
    }
}

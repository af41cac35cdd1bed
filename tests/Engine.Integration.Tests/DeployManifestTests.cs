namespace Engine.Integration.Tests;

/// <summary>What an operator applies must be accepted by the real tools.</summary>
[Trait("Category", "Integration")]
public sealed partial class DeployManifestTests
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

    [Fact]
    public async Task Every_alert_fires_on_the_series_its_unit_test_feeds_it()
    {
        var promtool = ToolRun.Require("promtool", "prometheus");
        var directory = Path.Combine(RepositoryLayout.Root, "deploy", "prometheus");
        var alerts = System.Text.RegularExpressions.Regex.Matches(await File.ReadAllTextAsync(Path.Combine(directory, "engine-alerts.yml")), @"- alert: (\w+)")
            .Select(m => m.Groups[1].Value).ToList();
        var files = Directory.GetFiles(Path.Combine(directory, "tests"), "*.test.yml").Order(StringComparer.Ordinal).ToList();
        var tests = string.Concat(files.Select(File.ReadAllText));

        var run = await ToolRun.RunAsync(promtool, ["test", "rules", .. files]);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.NotEmpty(alerts);
        Assert.All(alerts, alert => Assert.Contains($"alertname: {alert}", tests, StringComparison.Ordinal));
    }
}

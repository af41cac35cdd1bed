namespace Engine.Integration.Tests;

/// <summary>engine-admin refuses broken settings at start, with the setting named, before it talks to anything.</summary>
[Trait("Category", "Integration")]
public sealed class AdminSettingsTests
{
    [Fact]
    public async Task A_Kafka_client_property_librdkafka_refuses_is_a_usage_error_naming_it()
    {
        var run = await ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, "dlq", "list", "--bootstrap", "127.0.0.1:9"],
            environment: new Dictionary<string, string> { ["Kafka__Client__security.protocol"] = "carrier-pigeon" });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Kafka:Client", run.Error, StringComparison.Ordinal);
        Assert.Contains("security.protocol", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_file_named_but_missing_is_a_usage_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.json");
        var run = await ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, "status"], environment: new Dictionary<string, string> { ["ENGINE_ADMIN_CONFIG"] = missing });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(missing, run.Error, StringComparison.Ordinal);
    }
}

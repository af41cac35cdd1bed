using System.Globalization;
using System.Text;
using System.Text.Json;
using Engine.Contracts;
using Engine.Integration.Tests.Processes;
using Engine.Silo.Demo;
using Engine.Silo.Kafka;

namespace Engine.Integration.Tests;

/// <summary>
/// The engine as a user runs it: the silo process on its embedded defaults, events produced
/// by Debian's kcat (an independent Kafka client), state read back with the admin client.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class EndToEndTests
{
    [Fact]
    public async Task Events_produced_with_kcat_show_up_in_the_admin_client()
    {
        var kcat = ToolRun.Require("kcat", "kcat");
        await using var silo = await SiloProcess.StartAsync();
        var bootstrap = await silo.BootstrapServersAsync();

        // The silo runs on its defaults, so the producer uses the default topic names.
        var defaultTopics = new KafkaTopics();
        var events = new ShopperSimulation(4, seed: 5, DateTimeOffset.UtcNow.AddDays(-2), customerPrefix: "e2e-").Take(80).ToList();
        foreach (var group in events.GroupBy(e => e.Type))
        {
            var topic = defaultTopics.TopicOf(group.Key);
            var lines = string.Concat(group.Select(e => e.CustomerId + "\t" + Encoding.UTF8.GetString(e.Json) + "\n"));
            var produced = await ToolRun.RunAsync(kcat, ["-b", bootstrap, "-t", topic, "-P", "-K", "\t"], lines);
            Assert.True(produced.ExitCode == 0, $"kcat failed: {produced.Error}");
        }

        var expected = CustomerOracle.Compute(events.Select(e => e.Json));
        foreach (var (customerId, customer) in expected)
        {
            var report = await Eventually.Until(
                () => ShowAsync(silo, customerId),
                json => json.GetProperty("processing").GetProperty("eventsApplied").GetInt64() == customer.Events,
                TimeSpan.FromMinutes(1), $"{customerId} to have applied {customer.Events} events");

            var value = report.GetProperty("value");
            Assert.Equal(customer.LifetimeSpend, value.GetProperty("lifetimeSpend").GetDecimal());
            Assert.Equal(customer.Orders, value.GetProperty("orders").GetInt32());
            Assert.Equal(customer.Sessions.Count, report.GetProperty("engagement").GetProperty("sessions").GetInt32());
            Assert.Equal(
                customer.Cart.OrderBy(l => l.Key).Select(l => $"{l.Key}x{l.Value}"),
                report.GetProperty("cart").GetProperty("lines").EnumerateArray()
                    .Select(l => $"{l.GetProperty("sku").GetString()}x{l.GetProperty("quantity").GetInt32()}").Order());
            var profile = report.GetProperty("profile");
            Assert.Equal(customer.FirstName, profile.GetProperty("firstName").GetString());
            Assert.Equal(customer.ConsentStatus, profile.GetProperty("smsConsent").GetProperty("status").GetString());
            // The phone is never shown in full.
            Assert.DoesNotContain(customer.Phone!, report.GetRawText());
            Assert.EndsWith(customer.Phone![^2..], profile.GetProperty("phone").GetString());
        }

        // The readable table for a person shows the same customer, masked.
        var someone = expected.First();
        var table = await ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, "customer", "show", someone.Key, "--gateway-port", Port(silo)]);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains(someone.Value.FirstName!, table.Output);
        Assert.DoesNotContain(someone.Value.Phone!, table.Output);
    }

    [Fact]
    public async Task The_admin_client_produces_the_example_events_and_shows_the_result()
    {
        await using var silo = await SiloProcess.StartAsync();
        var examples = Path.Combine(RepositoryLayout.Root, "docs", "examples", "events.jsonl");
        var produce = await ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, "produce", examples, "--gateway-port", Port(silo)]);
        Assert.True(produce.ExitCode == 0, $"produce failed ({produce.ExitCode}): {produce.Output}{produce.Error}");

        var lines = File.ReadAllLines(examples).Where(l => l.Length > 0).ToList();
        Assert.Contains($"produced {lines.Count} events", produce.Output);
        var expected = CustomerOracle.Compute(lines.Select(Encoding.UTF8.GetBytes));
        foreach (var (customerId, customer) in expected)
        {
            var report = await Eventually.Until(
                () => ShowAsync(silo, customerId),
                json => json.GetProperty("processing").GetProperty("eventsApplied").GetInt64() == customer.Events,
                TimeSpan.FromMinutes(1), $"{customerId} to have applied {customer.Events} events");
            Assert.Equal(customer.Orders, report.GetProperty("value").GetProperty("orders").GetInt32());
        }
    }

    [Fact]
    public async Task The_silo_serves_metrics_that_promtool_accepts()
    {
        var promtool = ToolRun.Require("promtool", "prometheus");
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string> { ["Demo__Enabled"] = "true", ["Demo__EventsPerSecond"] = "200" });
        using var http = new HttpClient();
        var metrics = await Eventually.Until(
            () => http.GetStringAsync(silo.BaseUrl + "/metrics"),
            text => text.Contains("engine_events_applied_total", StringComparison.Ordinal) && !text.Contains("engine_events_applied_total 0", StringComparison.Ordinal),
            TimeSpan.FromMinutes(1), "the demo stream to be applied");

        Assert.Contains("engine_events_consumed_total{type=\"click\"}", metrics);
        Assert.Contains("engine_event_apply_latency_seconds_bucket{since=\"kafka_timestamp\"", metrics);
        Assert.Contains($"engine_consumer_lag_messages{{topic=\"{DefaultTopics.Clicks}\"", metrics);
        var check = await ToolRun.RunAsync(promtool, ["check", "metrics"], metrics);
        Assert.True(check.ExitCode == 0, $"promtool check metrics: {check.Output}{check.Error}");
        // Every engine metric the silo serves is documented for operators.
        var documented = await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Root, "docs", "metrics.md"));
        var served = System.Text.RegularExpressions.Regex.Matches(metrics, @"^# TYPE (engine_\w+) ", System.Text.RegularExpressions.RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(served);
        Assert.All(served, name => Assert.Contains($"`{name}`", documented, StringComparison.Ordinal));
        Assert.Equal("Healthy", await http.GetStringAsync(silo.BaseUrl + "/health/live"));
    }

    private static async Task<JsonElement> ShowAsync(SiloProcess silo, string customerId)
    {
        var run = await ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, "customer", "show", customerId, "--json", "--gateway-port", Port(silo)]);
        Assert.True(run.ExitCode == 0, $"engine-admin failed ({run.ExitCode}): {run.Error}");
        using var document = JsonDocument.Parse(run.Output);
        return document.RootElement.Clone();
    }

    private static string Port(SiloProcess silo) => silo.GatewayPort.ToString(CultureInfo.InvariantCulture);
}

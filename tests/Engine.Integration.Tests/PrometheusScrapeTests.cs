using System.Text;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Silo.Demo;
using Engine.Silo.Ingestion;
using Engine.Silo.Kafka;
using Engine.Testing.Hosting;
using Engine.Testing.Prometheus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Engine.Integration.Tests;

/// <summary>
/// Debian's Prometheus scrapes a running silo, as in production: what it counts is what was
/// produced, and the shipped alert rules, loaded for real, fire when the consumer stops.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class PrometheusScrapeTests
{
    private const string Job = "engagement-engine";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Prometheus_counts_exactly_the_events_produced_and_the_ones_refused()
    {
        await using var silo = await StartSiloAsync();
        await using var prometheus = await PrometheusServer.StartAsync(Job, [silo.HttpAddress], [ShippedRules()]);
        var events = new ShopperSimulation(20, seed: 11, DateTimeOffset.UtcNow.AddDays(-3), customerPrefix: "scrape-").Take(600).ToList();
        var topics = silo.Services.GetRequiredService<KafkaEndpoint>().Topics;
        Produce(silo, events.Select(e => (topics.TopicOf(e.Type), e.CustomerId, e.Json)));
        // Two that break the contract: counted as refused, never as consumed.
        Produce(silo, [(topics.Clicks, "scrape-bad", "not json"u8.ToArray()), (topics.Purchases, "scrape-bad", """{"type":"purchase"}"""u8.ToArray())]);

        await Eventually.Until(
            () => SumAsync(prometheus, "sum(engine_events_consumed_total)"),
            consumed => consumed == events.Count,
            Patience,
            $"Prometheus to count {events.Count} consumed events");
        var rejected = await Eventually.Until(() => SumAsync(prometheus, "sum(engine_events_rejected_total)"), n => n >= 2, Patience, "two refused events");
        Assert.Equal(2, rejected);
        Assert.Equal(events.Count, await SumAsync(prometheus, "sum(engine_events_applied_total) + sum(engine_events_duplicate_total)"));
        Assert.Equal(["up"], await prometheus.TargetHealthAsync());
    }

    [Fact]
    public async Task The_shipped_stalled_consumer_alert_fires_when_the_consumer_stops_and_not_before()
    {
        await using var silo = await StartSiloAsync();
        // The shipped rules with every minute read as a second, so the test waits seconds, not minutes.
        await using var prometheus = await PrometheusServer.StartAsync(Job, [silo.HttpAddress], [MinutesAsSeconds(ShippedRules())]);
        var topics = silo.Services.GetRequiredService<KafkaEndpoint>().Topics;
        var events = new ShopperSimulation(10, seed: 12, DateTimeOffset.UtcNow.AddDays(-3), customerPrefix: "stall-").Take(300).ToList();
        Produce(silo, events.Select(e => (topics.TopicOf(e.Type), e.CustomerId, e.Json)));
        await Eventually.Until(() => SumAsync(prometheus, "sum(engine_events_consumed_total)"), n => n == events.Count, Patience, "the stream to be consumed");
        // Committed, and the broker-side lag seen back at zero on every partition: a healthy consumer.
        await Eventually.Until(
            () => prometheus.QueryAsync("max by (topic, partition) (engine_consumer_group_lag_messages)"),
            lag => lag.Count == topics.Inbound.Count * Partitions(silo) && lag.All(p => p.Value == 0),
            Patience,
            "the group's lag, as Prometheus reads it, to be zero on every partition");
        Assert.DoesNotContain(await prometheus.AlertsAsync(), a => a.Name == "EngineConsumerStalled");

        var ingestion = silo.Services.GetServices<IHostedService>().OfType<KafkaIngestionService>().Single();
        await ingestion.StopAsync(CancellationToken.None);
        var more = new ShopperSimulation(10, seed: 13, DateTimeOffset.UtcNow.AddDays(-3), customerPrefix: "stall-more-").Take(200).ToList();
        Produce(silo, more.Select(e => (topics.TopicOf(e.Type), e.CustomerId, e.Json)));

        var alerts = await Eventually.Until(
            () => prometheus.AlertsAsync(),
            all => all.Any(a => a.Name == "EngineConsumerStalled" && a.State == "firing"),
            Patience,
            "EngineConsumerStalled to fire");
        var waiting = more.Select(e => topics.TopicOf(e.Type)).ToHashSet();
        Assert.All(alerts.Where(a => a.Name == "EngineConsumerStalled"), a => Assert.Contains(a.Labels["topic"], waiting));
        // The silo itself still answers: this is the consumer, not the silo.
        Assert.DoesNotContain(alerts, a => a.Name == "EngineSiloDown");
    }

    [Fact]
    public async Task Every_dashboard_panel_runs_in_Prometheus_on_metrics_the_silo_exports()
    {
        await using var silo = await StartSiloAsync();
        await using var prometheus = await PrometheusServer.StartAsync(Job, [silo.HttpAddress], [ShippedRules()]);
        var topics = silo.Services.GetRequiredService<KafkaEndpoint>().Topics;
        var events = new ShopperSimulation(10, seed: 14, DateTimeOffset.UtcNow.AddDays(-3), customerPrefix: "panel-").Take(300).ToList();
        Produce(silo, events.Select(e => (topics.TopicOf(e.Type), e.CustomerId, e.Json)));
        await Eventually.Until(() => SumAsync(prometheus, "sum(engine_events_consumed_total)"), n => n == events.Count, Patience, "the stream to be scraped");
        using var http = new HttpClient();
        var exposition = await http.GetStringAsync($"http://{silo.HttpAddress}/metrics");
        var exported = ExportedFamily().Matches(exposition).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var panels = GrafanaDashboard.Load().Panels.Where(p => p.Type != "row").ToList();

        Assert.NotEmpty(panels);
        foreach (var panel in panels)
        {
            foreach (var expr in panel.Expressions)
            {
                // Prometheus accepts the query (it throws with Prometheus's error otherwise)...
                await prometheus.QueryAsync(GrafanaDashboard.AsQuery(expr));
                // ...and it reads only what the engine exports.
                var metrics = MetricName().Matches(expr).Select(m => m.Groups[1].Value).ToList();
                Assert.True(metrics.Count > 0 || expr.Contains("up{", StringComparison.Ordinal), $"panel '{panel.Title}' reads no engine metric: {expr}");
                Assert.All(metrics, name => Assert.True(exported.Contains(name), $"panel '{panel.Title}' reads {name}, which the silo does not export"));
            }
        }

        // The ingestion panel shows the types produced.
        var types = events.Select(e => e.Type).ToHashSet();
        var ingestPanel = GrafanaDashboard.AsQuery(panels.Single(p => p.Title == "Events consumed / s by type").Expressions[0]);
        await Eventually.Until(() => prometheus.QueryAsync(ingestPanel), series => series.Select(s => s.Labels["type"]).ToHashSet().SetEquals(types), Patience, "the ingestion panel to show every type produced");
    }

    [GeneratedRegex(@"^# TYPE (\w+) ", RegexOptions.Multiline)]
    private static partial Regex ExportedFamily();

    // A histogram is read through its _bucket, _sum and _count series.
    [GeneratedRegex(@"\b(engine_[a-z0-9_]+?)(?:_bucket|_sum|_count)?\b(?=\s*[{\[)])")]
    private static partial Regex MetricName();

    private static int Partitions(EngineWebSilo silo) => silo.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KafkaOptions>>().Value.Embedded.Partitions;

    private static Task<EngineWebSilo> StartSiloAsync() => EngineWebSilo.StartAsync(new Dictionary<string, string?>
    {
        ["Kafka:GroupId"] = "scrape-" + Guid.NewGuid().ToString("N")[..8],
        ["Ingestion:CheckpointInterval"] = "00:00:01",
        ["Ingestion:GroupLagInterval"] = "00:00:01",
        // Offsets are committed behind durable state: the write-behind is scaled down with the rules' minutes.
        ["WriteBehind:MaxUnsavedAge"] = "00:00:01",
    });

    private static string ShippedRules() => File.ReadAllText(Path.Combine(RepositoryLayout.Root, "deploy", "prometheus", "engine-alerts.yml"));

    /// <summary>Rewrites "for: 5m" and "[5m]" as seconds; thresholds and expressions stay as shipped.</summary>
    private static string MinutesAsSeconds(string rules) => MinuteDurations().Replace(rules, m => m.Groups[1].Value + m.Groups[2].Value + "s");

    [GeneratedRegex(@"(for: |\[)(\d+)m\b")]
    private static partial Regex MinuteDurations();

    private static async Task<double> SumAsync(PrometheusServer prometheus, string promql) =>
        (await prometheus.QueryAsync(promql)).Sum(r => r.Value);

    private static void Produce(EngineWebSilo silo, IEnumerable<(string Topic, string Key, byte[] Value)> messages)
    {
        var bootstrap = silo.Services.GetRequiredService<KafkaEndpoint>().BootstrapServers;
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All, EnableIdempotence = true }).Build();
        foreach (var (topic, key, value) in messages)
        {
            producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }
}

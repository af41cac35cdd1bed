using System.Globalization;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Silo.Demo;
using Engine.Silo.Kafka;
using Engine.Integration.Tests.Processes;
using Microsoft.Extensions.Hosting;
using Engine.Testing.Kafka;

namespace Engine.Integration.Tests;

/// <summary>
/// A known stream in a broker that outlives the silo, and a silo process on PostgreSQL that
/// consumes it: the setting of the crash and outage tests.
/// </summary>
public sealed partial class DurableStream(EmbeddedKafkaBroker broker, int partitions, string connectionString)
{
    public KafkaTopics Topics { get; } = new();

    public string GroupId { get; } = "durable-" + Guid.NewGuid().ToString("N")[..8];

    public List<SimulatedEvent> Events { get; private set; } = [];

    public Dictionary<string, string> SiloSettings => new()
    {
        ["Kafka__BootstrapServers"] = broker.BootstrapServers,
        ["Kafka__GroupId"] = GroupId,
        // A killed member is noticed quickly, so a restarted silo gets the partitions.
        ["Kafka__Consumer__session.timeout.ms"] = "6000",
        ["Kafka__Consumer__heartbeat.interval.ms"] = "500",
        ["Storage__Provider"] = "postgres",
        ["Sms__Numbers__Key"] = TestNumberKey.Value,
        ["Storage__ApplySchema"] = "true",
        ["Storage__ConnectionString"] = connectionString,
        ["Ingestion__CheckpointInterval"] = "00:00:02",
        // Customers write only every few checkpoints, so commits lag the applied events as in production.
        ["WriteBehind__MaxUnsavedAge"] = "00:00:05",
        ["Ingestion__MaxRetryDelay"] = "00:00:03",
    };

    /// <summary>Creates the topics and produces the whole stream before any silo reads it.</summary>
    public void Produce(int customers, int events, int seed, string prefix)
    {
        CreateTopics();
        Events = new ShopperSimulation(customers, seed, DateTimeOffset.UtcNow.AddDays(-30), customerPrefix: prefix).Take(events).ToList();
        using var producer = NewProducer();
        foreach (var e in Events)
        {
            // More events than the producer queues (100,000): wait for deliveries to make room.
            producer.ProduceWaitingForRoom(Topics.TopicOf(e.Type), new Message<string, byte[]> { Key = e.CustomerId, Value = e.Json }, TimeSpan.FromMilliseconds(100));
        }

        producer.Flush(TimeSpan.FromMinutes(1));
    }

    /// <summary>
    /// Creates the topics, then produces the stream as live traffic arrives: about
    /// <paramref name="perSecond"/> events a second, stamped with the wall clock (so the SMS
    /// they decide are not stale). <see cref="Events"/> holds the whole stream at once.
    /// </summary>
    public Task ProduceSteadilyAsync(int customers, int events, int seed, string prefix, int perSecond)
    {
        PrepareLive(customers, events, seed, prefix);
        return ProduceSteadilyAsync(0, Events.Count, perSecond);
    }

    /// <summary>Creates the topics and a live stream (stamped now) in <see cref="Events"/>, produced later in slices.</summary>
    public void PrepareLive(int customers, int events, int seed, string prefix)
    {
        CreateTopics();
        Events = new ShopperSimulation(customers, seed, DateTimeOffset.UtcNow, customerPrefix: prefix, wallClock: () => DateTimeOffset.UtcNow).Take(events).ToList();
    }

    /// <summary>Produces <see cref="Events"/>[<paramref name="from"/>..+<paramref name="count"/>] at about <paramref name="perSecond"/> events a second.</summary>
    public Task ProduceSteadilyAsync(int from, int count, int perSecond)
    {
        var slice = Events.GetRange(from, count);
        return Task.Run(async () =>
        {
            using var producer = NewProducer();
            var started = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < slice.Count; i++)
            {
                var e = slice[i];
                producer.ProduceWaitingForRoom(Topics.TopicOf(e.Type), new Message<string, byte[]> { Key = e.CustomerId, Value = e.Json }, TimeSpan.FromMilliseconds(100));
                // Pacing, not waiting for a condition: event i is due at i / perSecond seconds.
                var ahead = TimeSpan.FromSeconds((double)i / perSecond) - started.Elapsed;
                if (ahead > TimeSpan.FromMilliseconds(50))
                {
                    await Task.Delay(ahead);
                }
            }

            producer.Flush(TimeSpan.FromMinutes(1));
        });
    }

    private void CreateTopics()
    {
        foreach (var topic in Topics.Inbound.Concat(Topics.Outbound))
        {
            broker.CreateTopic(topic, partitions);
        }
    }

    private IProducer<string, byte[]> NewProducer() =>
        new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All, LingerMs = 5 }).Build();

    public Task WaitUntilCommittedAsync(TimeSpan timeout) => Eventually.Until(
        () => KafkaOffsets.GroupCaughtUp(broker.BootstrapServers, GroupId, Topics.Inbound, partitions),
        timeout, "the consumer group to commit every partition to its end");

    /// <summary>The silo's count of applied events, read from its /metrics.</summary>
    public static async Task<double> AppliedAsync(HttpClient http, SiloProcess silo)
    {
        var match = AppliedLine().Match(await http.GetStringAsync(silo.BaseUrl + "/metrics"));
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>An Orleans client connected to the silo's gateway.</summary>
    public static async Task<IHost> ConnectAsync(int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>The silo's count of events skipped as already applied: re-deliveries.</summary>
    public static async Task<double> DuplicatesAsync(HttpClient http, SiloProcess silo)
    {
        var match = DuplicateLine().Match(await http.GetStringAsync(silo.BaseUrl + "/metrics"));
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"^engine_events_applied_total (\S+)$", RegexOptions.Multiline)]
    private static partial Regex AppliedLine();

    [GeneratedRegex(@"^engine_events_duplicate_total (\S+)$", RegexOptions.Multiline)]
    private static partial Regex DuplicateLine();
}

using System.Globalization;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Integration.Tests.Processes;
using Engine.Silo.Demo;
using Engine.Silo.Kafka;
using Engine.Storage.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Engine.Integration.Tests;

/// <summary>
/// The silo process on PostgreSQL is killed with SIGKILL at random points while it consumes a
/// known stream; each time it is restarted. At the end every customer must equal the oracle:
/// no event lost, none applied twice. The broker lives in the test process so it survives.
/// </summary>
public sealed partial class CrashRecoveryTests
{
    private const int Customers = 5000;
    private const int Events = 200_000;
    private const int Partitions = 32;

    [Fact]
    public async Task Killing_the_silo_at_random_points_loses_no_event_and_applies_none_twice()
    {
        var postgres = new PostgresServer();
        await postgres.InitializeAsync();
        using var broker = EmbeddedKafkaBroker.Start();
        try
        {
            var database = await postgres.CreateDatabaseAsync();
            var topics = new KafkaTopics();
            foreach (var topic in topics.Inbound.Append(topics.DeadLetter))
            {
                broker.CreateTopic(topic, Partitions);
            }

            var events = new ShopperSimulation(Customers, seed: 31, DateTimeOffset.UtcNow.AddDays(-30), customerPrefix: "crash-").Take(Events).ToList();
            using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All, LingerMs = 5 }).Build())
            {
                foreach (var e in events)
                {
                    var topic = e.Type switch { "purchase" => topics.Purchases, "click" => topics.Clicks, _ => topics.Customers };
                    producer.Produce(topic, new Message<string, byte[]> { Key = e.CustomerId, Value = e.Json });
                }

                producer.Flush(TimeSpan.FromMinutes(1));
            }

            var groupId = "crash-" + Guid.NewGuid().ToString("N")[..8];
            var settings = new Dictionary<string, string>
            {
                ["Kafka__BootstrapServers"] = broker.BootstrapServers,
                ["Kafka__GroupId"] = groupId,
                // A killed member is noticed quickly, so the restarted silo gets the partitions.
                ["Kafka__Consumer__session.timeout.ms"] = "6000",
                ["Kafka__Consumer__heartbeat.interval.ms"] = "500",
                ["Storage__Provider"] = "postgres",
                ["Storage__ApplySchema"] = "true",
                ["Storage__ConnectionString"] = database.ConnectionString,
                ["Ingestion__CheckpointInterval"] = "00:00:02",
            };

            var random = new Random(Environment.GetEnvironmentVariable("ENGINE_CRASH_SEED") is { } seed ? int.Parse(seed, CultureInfo.InvariantCulture) : 2026);
            using var http = new HttpClient();
            for (var crash = 1; crash <= 5; crash++)
            {
                await using var victim = await SiloProcess.StartAsync(settings);
                var before = await AppliedAsync(http, victim);
                var target = before + random.Next(3_000, 20_000);
                await Eventually.Until(() => AppliedAsync(http, victim), applied => applied >= target, TimeSpan.FromMinutes(2), $"crash {crash}: {target} events applied");
                await victim.KillAsync();
            }

            await using var survivor = await SiloProcess.StartAsync(settings);
            await Eventually.Until(
                () => KafkaOffsets.GroupCaughtUp(broker.BootstrapServers, groupId, topics.Inbound, Partitions),
                TimeSpan.FromMinutes(5), "the consumer group to commit every partition to its end after the crashes");

            var client = await ConnectAsync(survivor.GatewayPort);
            var expected = CustomerOracle.Compute(events.Select(e => e.Json));
            Assert.Equal(Customers, expected.Count);
            foreach (var (customerId, customer) in expected)
            {
                StateAssertions.Matches(customerId, customer, await client.Services.GetRequiredService<IClusterClient>().GetGrain<ICustomerGrain>(customerId).GetViewAsync());
            }

            await client.StopAsync();
            client.Dispose();
        }
        finally
        {
            await postgres.DisposeAsync();
        }
    }

    private static async Task<double> AppliedAsync(HttpClient http, SiloProcess silo)
    {
        var text = await http.GetStringAsync(silo.BaseUrl + "/metrics");
        var match = AppliedLine().Match(text);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    private static async Task<IHost> ConnectAsync(int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    [GeneratedRegex(@"^engine_events_applied_total (\S+)$", RegexOptions.Multiline)]
    private static partial Regex AppliedLine();
}

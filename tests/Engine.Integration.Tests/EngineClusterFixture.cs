using Confluent.Kafka;
using Engine.Contracts;
using Engine.Silo.Hosting;
using Engine.Silo.Storage;
using Engine.Silo.Kafka;
using Engine.Silo.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Engine.Integration.Tests;

/// <summary>
/// An embedded Kafka broker and a one-silo in-process Orleans cluster running the engine's
/// real ingestion against it. Shared by the tests of one collection; each test uses its
/// own customer ids and measures metric deltas, so no test depends on another's data.
/// </summary>
public sealed class EngineClusterFixture : IAsyncLifetime
{
    public const int Partitions = 16;

    public EmbeddedKafkaBroker Broker { get; private set; } = null!;
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public KafkaTopics Topics { get; } = new();
    public string GroupId { get; } = "engine-tests-" + Guid.NewGuid().ToString("N")[..8];

    public IClusterClient Client => Cluster.Client;

    public IServiceProvider SiloServices => Cluster.Silos[0].ServiceProvider;

    public EngineMetrics Metrics => SiloServices.GetRequiredService<EngineMetrics>();

    public async Task InitializeAsync()
    {
        Broker = EmbeddedKafkaBroker.Start();
        foreach (var topic in Topics.Inbound.Concat(Topics.Outbound))
        {
            Broker.CreateTopic(topic, Partitions);
        }

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = Broker.BootstrapServers,
                ["Kafka:GroupId"] = GroupId,
                ["Ingestion:CheckpointInterval"] = "00:00:01",
                // Write-behind as in production, only shorter: customers write once their events are a second old.
                ["WriteBehind:MaxUnsavedAge"] = "00:00:01",
                ["Ingestion:MaxBatchWait"] = "00:00:00.005",
            });
            host.AddEngineServices();
        });
        builder.ConfigureSilo((_, silo) => silo.AddEngineMemoryStorage().UseInMemoryReminderService());
        builder.ConfigureSiloHost((_, host) => host.AddEngineIngestion());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public IProducer<string?, byte[]> CreateProducer() =>
        new ProducerBuilder<string?, byte[]>(new ProducerConfig
        {
            BootstrapServers = Broker.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
        }).Build();

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Broker.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class EngineClusterCollection : ICollectionFixture<EngineClusterFixture>
{
    public const string Name = "engine cluster";
}

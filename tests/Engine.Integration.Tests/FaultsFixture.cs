using Confluent.Kafka;
using Engine.Silo.Hosting;
using Engine.Silo.Kafka;
using Engine.Silo.Metrics;
using Engine.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Engine.Integration.Tests;

/// <summary>
/// A cluster of its own for fault tests, which break things others would see (the broker goes
/// down) or need settings of their own: one partition per topic (every event of a topic in one
/// offset order), apply retries after 200 ms, and a JPY rate so large (1e20, an operator's
/// typo) that a purchase at the amount bound overflows the rules' arithmetic: a real failure
/// in the rules, with no test hook in the engine.
/// </summary>
public sealed class FaultsFixture : IAsyncLifetime
{
    public const int Partitions = 1;

    /// <summary>Times a rules failure is tried before it is dead-lettered (the default).</summary>
    public const int MaxApplyAttempts = 3;

    public EmbeddedKafkaBroker Broker { get; private set; } = null!;
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public KafkaTopics Topics { get; } = new();
    public string GroupId { get; } = "engine-faults-" + Guid.NewGuid().ToString("N")[..8];

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
                ["Ingestion:ApplyRetryDelay"] = "00:00:00.2",
                ["Ingestion:MaxBatchWait"] = "00:00:00.005",
                ["WriteBehind:MaxUnsavedAge"] = "00:00:01",
                ["Rules:ExchangeRates:JPY"] = "100000000000000000000",
                ["Kafka:EffectTimeout"] = "00:00:05",
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

    public bool CaughtUp() => KafkaOffsets.GroupCaughtUp(Broker.BootstrapServers, GroupId, Topics.Inbound, Partitions);

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Broker.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class FaultsCollection : ICollectionFixture<FaultsFixture>
{
    public const string Name = "faults";
}

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
/// An embedded Kafka broker with the engine's topics and a one-silo in-process Orleans cluster
/// running the real ingestion against it, on memory storage; the fixtures that derive from it
/// choose the partitions and the silo settings their tests need.
/// </summary>
public abstract class EmbeddedEngineFixture(int partitions, string groupPrefix, IReadOnlyDictionary<string, string?> settings) : IAsyncLifetime
{
    public EmbeddedKafkaBroker Broker { get; private set; } = null!;
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public KafkaTopics Topics { get; } = new();
    public string GroupId { get; } = groupPrefix + Guid.NewGuid().ToString("N")[..8];

    public IClusterClient Client => Cluster.Client;

    public IServiceProvider SiloServices => Cluster.Silos[0].ServiceProvider;

    public EngineMetrics Metrics => SiloServices.GetRequiredService<EngineMetrics>();

    public async Task InitializeAsync()
    {
        Broker = EmbeddedKafkaBroker.Start();
        foreach (var topic in Topics.Inbound.Concat(Topics.Outbound))
        {
            Broker.CreateTopic(topic, partitions);
        }

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
            {
                ["Kafka:BootstrapServers"] = Broker.BootstrapServers,
                ["Kafka:GroupId"] = GroupId,
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

    public bool CaughtUp() => KafkaOffsets.GroupCaughtUp(Broker.BootstrapServers, GroupId, Topics.Inbound, partitions);

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Broker.Dispose();
    }
}

using Engine.Contracts;
using Engine.Silo.Hosting;
using Engine.Silo.Sms;
using Engine.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Engine.Integration.Tests;

/// <summary>
/// A one-silo cluster whose clock is a <see cref="FakeTimeProvider"/>: tests move time a year
/// ahead in one call and ask the grain to do what is due, with no events arriving and no sleeps.
/// Events are given to grains directly; there is no Kafka ingestion here.
/// </summary>
public sealed class LoyaltyClockFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 10, 12, 0, 0, TimeSpan.Zero));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddKeyedSingleton<TimeProvider>(Engine.Grains.EngineTime.Key, Clock);
            // No segments: these tests follow the loyalty and cart wake-ups, which a daily
            // segment re-evaluation would interleave with (SegmentChangePublicationTests cover it).
            foreach (var segment in Engine.Domain.Segments.SegmentOptions.Defaults.Keys)
            {
                host.Configuration[$"Segments:Rules:{segment}"] = "";
            }

            host.AddEngineServices();
        });
        builder.ConfigureSilo((_, silo) => silo.AddEngineMemoryStorage().UseInMemoryReminderService());
        // After the silo, as in production, so it stops first.
        builder.ConfigureSiloHost((_, host) => host.Services.AddSmsDispatch().AddEffectDispatch());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LoyaltyClockCollection : ICollectionFixture<LoyaltyClockFixture>
{
    public const string Name = "loyalty clock";
}

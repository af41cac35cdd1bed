using System.Text;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Domain.Customers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Engine.Integration.Tests;

[Collection(EngineClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ConcurrentWriterTests(EngineClusterFixture engine)
{
    [Fact]
    public async Task A_write_by_another_activation_makes_the_grain_reload_and_the_lost_events_are_re_delivered()
    {
        var customerId = "race-" + Guid.NewGuid().ToString("N")[..8];
        var rewindsBefore = engine.Metrics.Rewinds.WithLabels("lost-state").Value + engine.Metrics.Rewinds.WithLabels("gap").Value + engine.Metrics.Rewinds.WithLabels("call-failed").Value;
        await ProduceClicksAsync(customerId, 0, 5);
        await WaitForCommitAsync();

        // Another activation (e.g. on a silo that took this customer over in a rebalance)
        // writes the stored state, so this activation's version is stale.
        var storage = engine.SiloServices.GetRequiredKeyedService<IGrainStorage>(StorageNames.Customers);
        var grainId = GrainId.Create("customer", customerId);
        var stored = new GrainState<CustomerState>();
        await storage.ReadStateAsync("customer", grainId, stored);
        Assert.Equal(5, stored.State!.EventsApplied);
        await storage.WriteStateAsync("customer", grainId, stored);

        // These are applied in memory, then the checkpoint's write conflicts and the grain reloads.
        await ProduceClicksAsync(customerId, 5, 7);
        await WaitForCommitAsync();

        var view = await engine.Client.GetGrain<ICustomerGrain>(customerId).GetViewAsync();
        Assert.Equal(12, view.State.EventsApplied);
        Assert.Equal(12, view.State.Engagement.PageViews);
        var rewindsAfter = engine.Metrics.Rewinds.WithLabels("lost-state").Value + engine.Metrics.Rewinds.WithLabels("gap").Value + engine.Metrics.Rewinds.WithLabels("call-failed").Value;
        Assert.True(rewindsAfter > rewindsBefore, "the partition was re-delivered");
    }

    private async Task ProduceClicksAsync(string customerId, int first, int count)
    {
        using var producer = engine.CreateProducer();
        for (var i = first; i < first + count; i++)
        {
            var json = $$"""{"type":"click","eventId":"{{customerId}}-{{i}}","customerId":"{{customerId}}","occurredAt":"2026-11-20T10:{{i:D2}}:00Z","action":"page_view","sessionId":"s-{{customerId}}"}""";
            await producer.ProduceAsync(engine.Topics.Clicks, new Message<string?, byte[]> { Key = customerId, Value = Encoding.UTF8.GetBytes(json) });
        }
    }

    private Task WaitForCommitAsync() => Eventually.Until(
        () => KafkaOffsets.GroupCaughtUp(engine.Broker.BootstrapServers, engine.GroupId, engine.Topics.Inbound, EngineClusterFixture.Partitions),
        TimeSpan.FromMinutes(1), "the consumer group to commit every partition to its end");
}

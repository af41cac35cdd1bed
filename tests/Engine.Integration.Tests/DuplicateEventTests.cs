using System.Text;
using Confluent.Kafka;
using Engine.Contracts;

namespace Engine.Integration.Tests;

[Collection(EngineClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DuplicateEventTests(EngineClusterFixture engine)
{
    [Fact]
    public async Task The_same_event_sent_twice_at_different_offsets_is_applied_once()
    {
        var customerId = "dup-" + Guid.NewGuid().ToString("N")[..8];
        var purchase = Encoding.UTF8.GetBytes($$"""{"type":"purchase","eventId":"evt-{{customerId}}-1","customerId":"{{customerId}}","occurredAt":"2026-11-20T10:00:00Z","orderId":"o-{{customerId}}","amount":40.5,"currency":"USD","items":[{"sku":"SKU-1","quantity":1,"unitPrice":40.5}]}""");
        var click = Encoding.UTF8.GetBytes($$"""{"type":"click","eventId":"evt-{{customerId}}-2","customerId":"{{customerId}}","occurredAt":"2026-11-20T09:59:00Z","action":"page_view","sessionId":"s-1"}""");
        var duplicatesBefore = engine.Metrics.EventsDuplicate.Value;

        using (var producer = engine.CreateProducer())
        {
            // A producer retry lands the same events again, at new offsets.
            foreach (var (topic, value) in new[] { (engine.Topics.Purchases, purchase), (engine.Topics.Clicks, click), (engine.Topics.Purchases, purchase), (engine.Topics.Clicks, click) })
            {
                await producer.ProduceAsync(topic, new Message<string?, byte[]> { Key = customerId, Value = value });
            }
        }

        await Eventually.Until(
            () => KafkaOffsets.GroupCaughtUp(engine.Broker.BootstrapServers, engine.GroupId, engine.Topics.Inbound, EngineClusterFixture.Partitions),
            TimeSpan.FromMinutes(1), "the consumer group to commit every partition to its end");

        var view = await engine.Client.GetGrain<ICustomerGrain>(customerId).GetViewAsync();
        Assert.Equal(2, view.State.EventsApplied);
        Assert.Equal(40.5m, view.State.Value.LifetimeSpend);
        Assert.Equal(1, view.State.Value.Orders);
        Assert.Equal(1, view.State.Engagement.PageViews);
        Assert.True(engine.Metrics.EventsDuplicate.Value - duplicatesBefore >= 2, "the re-sent events are counted as duplicates");
    }
}

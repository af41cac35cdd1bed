using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Domain.Effects;

namespace Engine.Integration.Tests;

[Collection(EngineClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TierChangeOutputTests(EngineClusterFixture engine)
{
    [Fact]
    public async Task A_stream_that_upgrades_100_customers_yields_exactly_100_tier_change_records()
    {
        var prefix = "tier-" + Guid.NewGuid().ToString("N")[..8];
        var customers = Enumerable.Range(0, 100).Select(i => $"{prefix}-{i:D3}").ToList();
        using (var producer = engine.CreateProducer())
        {
            foreach (var customerId in customers)
            {
                // 300 keeps Bronze, the next 300 crosses Silver's 500: one upgrade each.
                foreach (var (order, amount) in new[] { (1, 300m), (2, 300m) })
                {
                    var json = $$"""{"type":"purchase","eventId":"{{customerId}}-o{{order}}","customerId":"{{customerId}}","occurredAt":"2026-11-2{{order}}T10:00:00Z","orderId":"{{customerId}}-o{{order}}","amount":{{amount}},"currency":"USD","items":[{"sku":"SKU-{{order}}","quantity":1,"unitPrice":{{amount}}}]}""";
                    producer.Produce(engine.Topics.Purchases, new Message<string?, byte[]> { Key = customerId, Value = Encoding.UTF8.GetBytes(json) });
                }
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        await Eventually.Until(
            () => KafkaOffsets.GroupCaughtUp(engine.Broker.BootstrapServers, engine.GroupId, engine.Topics.Inbound, EngineClusterFixture.Partitions),
            TimeSpan.FromMinutes(1), "the consumer group to commit every partition to its end");

        var records = TierChangeTopic.Read(engine.Broker.BootstrapServers, engine.Topics.TierChanges, r => r.CustomerId.StartsWith(prefix, StringComparison.Ordinal), expected: 100);
        Assert.Equal(100, records.Count);
        Assert.Equal(100, records.Select(r => r.CustomerId).Distinct().Count());
        Assert.All(records, r => Assert.Equal(("Bronze", "Silver", "rolling_spend"), (r.From, r.To, r.Reason)));

        foreach (var customerId in customers.Take(5))
        {
            // The dispatcher answers the grain after the broker acknowledged the record.
            var state = (await Eventually.Until(
                engine.Client.GetGrain<ICustomerGrain>(customerId).GetViewAsync,
                v => v.State.Outbox.Messages.Any(m => m.Kind == OutboxKind.TierChange && m.Status == OutboxStatus.Done),
                TimeSpan.FromSeconds(30),
                "the dispatcher's answer to mark the tier change Done")).State;
            Assert.Equal("Silver", state.Loyalty.Tier);
            var published = Assert.Single(state.Outbox.Messages, m => m.Kind == OutboxKind.TierChange);
            Assert.Equal(OutboxStatus.Done, published.Status);
            var sms = Assert.Single(state.Outbox.Messages, m => m.Kind == OutboxKind.Sms && m.Sms!.Trigger == "tier_upgrade");
            Assert.Equal("Silver", sms.Sms!.Data["tier"]);
        }
    }
}

/// <summary>Reads the tier-change topic as a downstream consumer would.</summary>
public static class TierChangeTopic
{
    public sealed record Record(string EffectId, string CustomerId, string From, string To, string Reason);

    /// <summary>
    /// Reads until <paramref name="expected"/> matching records arrived (or a minute passed),
    /// then keeps reading until the topic is idle, so a duplicate would be counted too.
    /// </summary>
    public static List<Record> Read(string bootstrap, string topic, Func<Record, bool> wanted, int expected, TimeSpan? within = null)
    {
        using var consumer = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "tier-reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var found = new List<Record>();
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromMinutes(1));
        while (DateTime.UtcNow < deadline)
        {
            var message = consumer.Consume(TimeSpan.FromMilliseconds(found.Count >= expected ? 1500 : 200));
            if (message is null)
            {
                if (found.Count >= expected)
                {
                    break;
                }

                continue;
            }

            using var json = JsonDocument.Parse(message.Message.Value);
            var root = json.RootElement;
            var record = new Record(
                root.GetProperty("effectId").GetString()!,
                root.GetProperty("customerId").GetString()!,
                root.GetProperty("from").GetString()!,
                root.GetProperty("to").GetString()!,
                root.GetProperty("reason").GetString()!);
            if (wanted(record))
            {
                found.Add(record);
            }
        }

        consumer.Close();
        return found;
    }
}

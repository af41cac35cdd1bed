using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Engine.Contracts;

namespace Engine.Integration.Tests;

[Collection(EngineClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SegmentChangeOutputTests(EngineClusterFixture engine)
{
    [Fact]
    public async Task First_purchases_publish_one_entered_record_per_customer_and_their_redelivery_publishes_none()
    {
        var prefix = "segment-" + Guid.NewGuid().ToString("N")[..8];
        var customers = Enumerable.Range(0, 20).Select(i => $"{prefix}-{i:D2}").ToList();
        // Recent, so each customer is "new" (first purchase within 30 days) and nothing else.
        var at = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        for (var pass = 0; pass < 2; pass++)
        {
            // The second pass sends the same events again, as a producer retrying would.
            using (var producer = engine.CreateProducer())
            {
                foreach (var customerId in customers)
                {
                    var json = $$"""{"type":"purchase","eventId":"{{customerId}}-o1","customerId":"{{customerId}}","occurredAt":"{{at}}","orderId":"{{customerId}}-o1","amount":40,"currency":"USD","items":[{"sku":"SKU-1","quantity":1,"unitPrice":40}]}""";
                    producer.Produce(engine.Topics.Purchases, new Message<string?, byte[]> { Key = customerId, Value = Encoding.UTF8.GetBytes(json) });
                }

                producer.Flush(TimeSpan.FromSeconds(30));
            }

            await Eventually.Until(
                () => KafkaOffsets.GroupCaughtUp(engine.Broker.BootstrapServers, engine.GroupId, engine.Topics.Inbound, EngineClusterFixture.Partitions),
                TimeSpan.FromMinutes(1), "the consumer group to commit every partition to its end");
        }

        var records = SegmentChangeTopic.Read(engine.Broker.BootstrapServers, engine.Topics.SegmentChanges, r => r.CustomerId.StartsWith(prefix, StringComparison.Ordinal), expected: customers.Count);
        Assert.Equal(customers.Count, records.Count);
        Assert.Equal(customers.Order(StringComparer.Ordinal), records.Select(r => r.CustomerId).Order(StringComparer.Ordinal));
        Assert.All(records, r => Assert.Equal(("new", "entered", false), (r.Segment, r.Direction, r.Historical)));
        Assert.All(records, r => Assert.Contains("days_since_first_purchase 0", r.Reason, StringComparison.Ordinal));

        var state = (await engine.Client.GetGrain<ICustomerGrain>(customers[0]).GetViewAsync()).State;
        Assert.Equal(["new"], state.Segments.Current);
    }
}

/// <summary>Reads the segment-change topic as a downstream consumer would.</summary>
public static class SegmentChangeTopic
{
    public sealed record Record(string EffectId, string CustomerId, string Segment, string Direction, string Reason, bool Historical);

    /// <summary>
    /// Reads until <paramref name="expected"/> matching records arrived (or a minute passed),
    /// then keeps reading until the topic is idle, so a duplicate would be counted too.
    /// </summary>
    public static List<Record> Read(string bootstrap, string topic, Func<Record, bool> wanted, int expected)
    {
        using var consumer = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "segment-reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var found = new List<Record>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
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
                root.GetProperty("segment").GetString()!,
                root.GetProperty("direction").GetString()!,
                root.GetProperty("reason").GetString()!,
                root.GetProperty("historical").GetBoolean());
            if (wanted(record))
            {
                found.Add(record);
            }
        }

        consumer.Close();
        return found;
    }
}

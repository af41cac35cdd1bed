using System.Text;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Domain.Processing;
using Engine.Silo.Demo;

namespace Engine.Integration.Tests;

[Collection(EngineClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class BadInputTests(EngineClusterFixture engine)
{
    private sealed record BadEvent(string Topic, string Key, byte[] Value, string Reason);

    [Fact]
    public async Task Malformed_events_go_to_the_dead_letter_topic_with_their_reason_and_good_ones_still_apply()
    {
        var good = new ShopperSimulation(100, seed: 21, DateTimeOffset.UtcNow.AddDays(-3), customerPrefix: "bad-").Take(1000).ToList();
        var customers = good.Select(g => g.CustomerId).Distinct().ToList();
        var bad = Enumerable.Range(0, 1000).Select(i => MakeBad(i, customers[i % customers.Count])).ToList();
        var reasons = bad.Select(b => b.Reason).Distinct().ToList();
        var rejectedBefore = reasons.ToDictionary(r => r, r => engine.Metrics.EventsRejected.WithLabels(r).Value);

        using (var producer = engine.CreateProducer())
        {
            for (var i = 0; i < 1000; i++)
            {
                producer.Produce(engine.Topics.TopicOf(good[i].Type), new Message<string?, byte[]> { Key = good[i].CustomerId, Value = good[i].Json });
                producer.Produce(bad[i].Topic, new Message<string?, byte[]> { Key = bad[i].Key, Value = bad[i].Value });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        await Eventually.Until(
            () => KafkaOffsets.GroupCaughtUp(engine.Broker.BootstrapServers, engine.GroupId, engine.Topics.Inbound, EngineClusterFixture.Partitions),
            TimeSpan.FromMinutes(2), "the consumer group to commit every partition to its end");

        // Every good event is applied.
        foreach (var (customerId, expected) in CustomerOracle.Compute(good.Select(g => g.Json)))
        {
            StateAssertions.Matches(customerId, expected, await engine.Client.GetGrain<ICustomerGrain>(customerId).GetViewAsync());
        }

        // Every bad one is on the dead-letter topic, once, with its reason.
        var expectedByValue = bad.ToDictionary(b => Encoding.UTF8.GetString(b.Value), b => b);
        var dead = ReadDeadLetters(expectedByValue.Count, value => expectedByValue.ContainsKey(value));
        Assert.Equal(bad.Count, dead.Count);
        foreach (var (value, reason, sourceTopic) in dead)
        {
            var expected = expectedByValue[value];
            Assert.Equal(expected.Reason, reason);
            Assert.Equal(expected.Topic, sourceTopic);
        }

        // The metric counts the same rejections.
        foreach (var reason in reasons)
        {
            Assert.Equal(bad.Count(b => b.Reason == reason), engine.Metrics.EventsRejected.WithLabels(reason).Value - rejectedBefore[reason]);
        }
    }

    private List<(string Value, string Reason, string SourceTopic)> ReadDeadLetters(int wanted, Func<string, bool> ours)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = engine.Broker.BootstrapServers,
            GroupId = "dlq-reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(engine.Topics.DeadLetter);
        var found = new List<(string, string, string)>();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (found.Count < wanted && DateTime.UtcNow < deadline)
        {
            var message = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (message?.Message.Value is not { } bytes)
            {
                continue;
            }

            var value = Encoding.UTF8.GetString(bytes);
            if (ours(value))
            {
                found.Add((value, Header(message, "dlq-reason"), Header(message, "dlq-source-topic")));
            }
        }

        // Anything past the wanted count would be a duplicate dead letter: read what is left to catch it.
        while (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { } extra)
        {
            if (extra.Message.Value is { } bytes && ours(Encoding.UTF8.GetString(bytes)))
            {
                found.Add((Encoding.UTF8.GetString(bytes), Header(extra, "dlq-reason"), Header(extra, "dlq-source-topic")));
            }
        }

        consumer.Close();
        return found;
    }

    private static string Header(ConsumeResult<byte[]?, byte[]?> message, string name) =>
        message.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : "";

    private BadEvent MakeBad(int i, string customerId)
    {
        var id = $"\"eventId\":\"bad-evt-{i}\",\"customerId\":\"{customerId}\",\"occurredAt\":\"2026-11-20T10:00:00Z\"";
        var purchases = engine.Topics.Purchases;
        var clicks = engine.Topics.Clicks;
        return (i % 10) switch
        {
            0 => new(purchases, customerId, Utf8($"{{\"type\":\"purchase\",{id},\"amount\":"), RejectionReasons.InvalidJson),
            1 => new(clicks, customerId, Utf8($"[\"not an object {i}\"]"), RejectionReasons.InvalidJson),
            2 => new(purchases, customerId, Utf8($"{{\"type\":\"refund_request\",{id}}}"), RejectionReasons.UnknownType),
            3 => new(clicks, customerId, Utf8($"{{\"type\":\"click\",\"customerId\":\"{customerId}\",\"occurredAt\":\"2026-11-20T10:00:00Z\",\"action\":\"page_view\",\"sessionId\":\"s-{i}\"}}"), RejectionReasons.MissingField),
            4 => new(purchases, customerId, Utf8($"{{\"type\":\"purchase\",{id},\"orderId\":\"o-bad-{i}\",\"amount\":-5,\"currency\":\"USD\",\"items\":[]}}"), RejectionReasons.NegativeAmount),
            5 => new(purchases, customerId, Utf8($"{{\"type\":\"purchase\",{id},\"orderId\":\"o-bad-{i}\",\"amount\":5,\"currency\":\"XYZ\",\"items\":[]}}"), RejectionReasons.UnknownCurrency),
            6 => new(clicks, "someone-else", Utf8($"{{\"type\":\"click\",{id},\"action\":\"page_view\",\"sessionId\":\"s-{i}\"}}"), RejectionReasons.KeyMismatch),
            7 => new(clicks, customerId, Utf8($"{{\"type\":\"click\",\"eventId\":\"bad-evt-{i}\",\"customerId\":\"{customerId}\",\"occurredAt\":\"2026-11-20T10:00:00\",\"action\":\"page_view\",\"sessionId\":\"s-{i}\"}}"), RejectionReasons.InvalidField),
            8 when i % 100 == 8 => new(clicks, customerId, Utf8($"{{\"type\":\"click\",{id},\"action\":\"page_view\",\"sessionId\":\"s-{i}\",\"note\":\"{new string('x', 70_000)}\"}}"), RejectionReasons.OversizedPayload),
            8 => new(clicks, customerId, Utf8($"{{\"type\":\"click\",{id},\"action\":\"add_to_cart\",\"sessionId\":\"s-{i}\"}}"), RejectionReasons.MissingField),
            _ => new(purchases, customerId, Utf8($"{{\"type\":\"purchase\",{id},\"orderId\":\"o-bad-{i}\",\"amount\":\"12.50\",\"currency\":\"USD\",\"items\":[]}}"), RejectionReasons.InvalidField),
        };
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}

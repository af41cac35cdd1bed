using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Domain.Processing;

namespace Engine.Integration.Tests;

/// <summary>
/// Events no partition may stall on: absurd numbers the parser's bounds refuse, and events whose
/// rules throw, interleaved with good ones on one partition.
/// </summary>
[Collection(FaultsCollection.Name)]
[Trait("Category", "Integration")]
public sealed class PoisonEventTests(FaultsFixture engine)
{
    [Fact]
    public async Task Absurd_and_failing_events_on_one_partition_are_dead_lettered_once_each_and_every_good_event_applies()
    {
        var prefix = "poison-" + Guid.NewGuid().ToString("N")[..8];
        var customers = Enumerable.Range(0, 4).Select(i => $"{prefix}-{i}").ToList();
        var good = new List<(string Customer, byte[] Json)>();
        var bad = new List<(string Customer, byte[] Json, string Reason)>();
        var at = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        for (var round = 0; round < 6; round++)
        {
            foreach (var customer in customers)
            {
                var n = round * 100 + customers.IndexOf(customer);
                good.Add((customer, Purchase(customer, $"g{n}", 40 + round, "USD", at.AddMinutes(n))));
                good.Add((customer, Utf8($$"""{"type":"click","eventId":"{{customer}}-c{{n}}","customerId":"{{customer}}","occurredAt":"{{Time(at.AddMinutes(n))}}","action":"add_to_cart","sessionId":"s-{{round}}","sku":"SKU-{{round}}","quantity":2,"unitPrice":3.5}""")));
                if (round % 2 == 1)
                {
                    bad.Add(Absurd(customer, n, at.AddMinutes(n)));
                }
            }
        }

        // Within the bounds, but the 1e20 JPY rate makes the conversion overflow in the rules.
        var failing = customers.Take(2).Select((c, i) => (c, Purchase(c, $"jpy{i}", 1_000_000_000m, "JPY", at.AddMinutes(1000 + i)), RejectionReasons.ApplyFailed)).ToList();
        bad.AddRange(failing);
        // After the failing ones, each customer still has events to apply.
        foreach (var customer in customers)
        {
            good.Add((customer, Purchase(customer, "last", 7m, "USD", at.AddMinutes(2000))));
        }

        var stream = Interleave(good, bad.Select(b => (b.Customer, b.Json)).ToList(), failing.Count);
        var failuresBefore = engine.Metrics.ApplyFailures.Value;
        var rejectedBefore = engine.Metrics.EventsRejected.WithLabels(RejectionReasons.ApplyFailed).Value;
        using (var producer = engine.CreateProducer())
        {
            foreach (var (customer, json) in stream)
            {
                producer.Produce(engine.Topics.Purchases, new Message<string?, byte[]> { Key = customer, Value = json });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        await Eventually.Until(engine.CaughtUp, TimeSpan.FromMinutes(1), "the committed offset to pass every event of the partition");

        foreach (var (customerId, expected) in CustomerOracle.Compute(good.Select(g => g.Json)))
        {
            StateAssertions.Matches(customerId, expected, await engine.Client.GetGrain<ICustomerGrain>(customerId).GetViewAsync());
        }

        var byValue = bad.ToDictionary(b => Encoding.UTF8.GetString(b.Json), b => b.Reason);
        var dead = DeadLetterTopic.Read(engine.Broker.BootstrapServers, engine.Topics.DeadLetter, byValue.ContainsKey, byValue.Count);
        Assert.Equal(byValue.Count, dead.Count);
        Assert.All(dead, d => Assert.Equal(byValue[d.Value], d.Reason));
        Assert.All(dead.Where(d => d.Reason == RejectionReasons.ApplyFailed), d => Assert.StartsWith("OverflowException", d.Detail, StringComparison.Ordinal));
        Assert.Equal(failing.Count * FaultsFixture.MaxApplyAttempts, engine.Metrics.ApplyFailures.Value - failuresBefore);
        Assert.Equal(failing.Count, engine.Metrics.EventsRejected.WithLabels(RejectionReasons.ApplyFailed).Value - rejectedBefore);
    }

    private static (string, byte[], string) Absurd(string customer, int n, DateTimeOffset at) => (n / 100 % 4) switch
    {
        // 5e28: parses as a decimal, and two of them would overflow lifetime spend.
        0 => (customer, Purchase(customer, $"huge{n}", 50_000_000_000_000_000_000_000_000_000m, "USD", at), RejectionReasons.OutOfRange),
        1 => (customer, Utf8($$"""{"type":"click","eventId":"{{customer}}-q{{n}}","customerId":"{{customer}}","occurredAt":"{{Time(at)}}","action":"add_to_cart","sessionId":"s","sku":"SKU-Q","quantity":2147483000}"""), RejectionReasons.OutOfRange),
        2 => (customer, Utf8($$"""{"type":"purchase","eventId":"{{customer}}-l{{n}}","customerId":"{{customer}}","occurredAt":"{{Time(at)}}","orderId":"{{customer}}-l{{n}}","amount":1,"currency":"USD","items":[{{string.Join(",", Enumerable.Repeat("""{"sku":"S","quantity":1,"unitPrice":0}""", 1001))}}]}"""), RejectionReasons.OutOfRange),
        _ => (customer, Utf8($$"""{"type":"purchase","eventId":"{{customer}}-p{{n}}","customerId":"{{customer}}","occurredAt":"{{Time(at)}}","orderId":"{{customer}}-p{{n}}","amount":1,"currency":"USD","items":[{"sku":"S","quantity":1,"unitPrice":7.9e28}]}"""), RejectionReasons.OutOfRange),
    };

    /// <summary>Good events in order, the bad ones spread between them; the last <paramref name="tail"/> bad ones go before the final events.</summary>
    private static List<(string, byte[])> Interleave(List<(string Customer, byte[] Json)> good, List<(string Customer, byte[] Json)> bad, int tail)
    {
        var result = new List<(string, byte[])>();
        var spread = bad.Count - tail;
        var last = good.Count - 4;
        for (var i = 0; i < last; i++)
        {
            result.Add(good[i]);
            if (i % (last / spread) == 0 && i / (last / spread) < spread)
            {
                result.Add(bad[i / (last / spread)]);
            }
        }

        result.AddRange(bad.Skip(spread));
        result.AddRange(good.Skip(last));
        return result;
    }

    private static byte[] Purchase(string customer, string order, decimal amount, string currency, DateTimeOffset at) =>
        Utf8($$"""{"type":"purchase","eventId":"{{customer}}-{{order}}","customerId":"{{customer}}","occurredAt":"{{Time(at)}}","orderId":"{{customer}}-{{order}}","amount":{{amount.ToString(CultureInfo.InvariantCulture)}},"currency":"{{currency}}","items":[{"sku":"SKU-{{order}}","quantity":1,"unitPrice":1}]}""");

    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}

/// <summary>Reads the dead-letter topic as an operator would: value, reason and detail of each record that matches.</summary>
public static class DeadLetterTopic
{
    public sealed record Letter(string Value, string Reason, string Detail);

    /// <summary>Reads until <paramref name="wanted"/> matching records came (or a minute passed), then what is left, to catch a duplicate.</summary>
    public static List<Letter> Read(string bootstrap, string topic, Func<string, bool> ours, int wanted)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "dlq-reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var found = new List<Letter>();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        var quietUntil = DateTime.MaxValue;
        while (DateTime.UtcNow < deadline && DateTime.UtcNow < quietUntil)
        {
            var message = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (message?.Message.Value is { } bytes && Encoding.UTF8.GetString(bytes) is var value && ours(value))
            {
                found.Add(new Letter(value, Header(message, "dlq-reason"), Header(message, "dlq-detail")));
            }

            if (found.Count >= wanted && quietUntil == DateTime.MaxValue)
            {
                quietUntil = DateTime.UtcNow.AddSeconds(1);
            }
        }

        consumer.Close();
        return found;
    }

    private static string Header(ConsumeResult<byte[]?, byte[]?> message, string name) =>
        message.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : "";
}

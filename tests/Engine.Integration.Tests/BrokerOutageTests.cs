using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Silo.Ingestion;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Integration.Tests;

/// <summary>The Kafka broker goes down for 30 s in the middle of a stream that upgrades customers.</summary>
[Collection(FaultsCollection.Name)]
[Trait("Category", "Integration")]
public sealed class BrokerOutageTests(FaultsFixture engine)
{
    [Fact]
    public async Task A_broker_down_for_thirty_seconds_mid_stream_loses_and_doubles_nothing_and_readiness_follows_it()
    {
        var prefix = "outage-" + Guid.NewGuid().ToString("N")[..8];
        var customers = Enumerable.Range(0, 60).Select(i => $"{prefix}-{i:D2}").ToList();
        // 300 keeps Bronze, the next 300 crosses Silver's 500: one tier change each, half of them decided around the outage.
        var events = customers.Select(c => Purchase(c, 1, 300m))
            .Concat(customers.Select(c => Click(c)))
            .Concat(customers.Select(c => Purchase(c, 2, 300m)))
            .ToList();
        var status = engine.SiloServices.GetRequiredService<IngestionStatus>();
        var readiness = new ConcurrentQueue<bool>();
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                readiness.Enqueue(status.KafkaAvailable);
                await Task.Delay(100);
            }
        });

        using (var producer = engine.CreateProducer())
        {
            // Produced at a pace across the outage: the producer buffers what it cannot send.
            for (var i = 0; i < events.Count; i++)
            {
                // A quarter of the upgrades are just in: their publications race the broker going down.
                if (i == customers.Count * 2 + customers.Count / 4)
                {
                    producer.Flush(TimeSpan.FromSeconds(10));
                    engine.Broker.SetBrokerDown(1);
                    await Eventually.Until(() => !status.KafkaAvailable, TimeSpan.FromSeconds(20), "readiness to turn false while the broker is down");
                    await Task.Delay(TimeSpan.FromSeconds(30));
                    engine.Broker.SetBrokerUp(1);
                }

                var (customer, json) = events[i];
                producer.Produce(engine.Topics.Purchases, new Message<string?, byte[]> { Key = customer, Value = json });
                if (i % 20 == 0)
                {
                    producer.Flush(TimeSpan.FromSeconds(60));
                }
            }

            producer.Flush(TimeSpan.FromSeconds(60));
        }

        await Eventually.Until(engine.CaughtUp, TimeSpan.FromMinutes(2), "the committed offsets to reach the end after the outage");
        await Eventually.Until(() => status.KafkaAvailable, TimeSpan.FromSeconds(30), "readiness to turn true again");
        watching.Cancel();
        await watcher;

        foreach (var (customerId, expected) in CustomerOracle.Compute(events.Select(e => e.Json)))
        {
            StateAssertions.Matches(customerId, expected, await engine.Client.GetGrain<ICustomerGrain>(customerId).GetViewAsync());
        }

        // Tier changes decided while Kafka was away are published by the customers' wake-up, once each.
        var records = TierChangeTopic.Read(engine.Broker.BootstrapServers, engine.Topics.TierChanges, r => r.CustomerId.StartsWith(prefix, StringComparison.Ordinal), expected: customers.Count, within: TimeSpan.FromMinutes(3));
        Assert.Equal(customers.Count, records.Count);
        Assert.Equal(customers.Count, records.Select(r => r.CustomerId).Distinct().Count());
        var seen = readiness.ToArray();
        Assert.Contains(false, seen);
        Assert.True(seen[^1]);
    }

    private static (string Customer, byte[] Json) Purchase(string customer, int order, decimal amount) => (customer, Encoding.UTF8.GetBytes(
        $$"""{"type":"purchase","eventId":"{{customer}}-o{{order}}","customerId":"{{customer}}","occurredAt":"2026-11-2{{order}}T10:00:00Z","orderId":"{{customer}}-o{{order}}","amount":{{amount}},"currency":"USD","items":[{"sku":"SKU-{{order}}","quantity":1,"unitPrice":{{amount}}}]}"""));

    private static (string Customer, byte[] Json) Click(string customer) => (customer, Encoding.UTF8.GetBytes(
        $$"""{"type":"click","eventId":"{{customer}}-c","customerId":"{{customer}}","occurredAt":"2026-11-21T12:00:00Z","action":"page_view","sessionId":"s-1"}"""));
}

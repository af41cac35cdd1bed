using Confluent.Kafka;
using Engine.Contracts;
using Engine.Silo.Demo;

namespace Engine.Integration.Tests;

[Collection(EngineClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class IngestionTests(EngineClusterFixture engine)
{
    [Fact]
    public async Task Every_customer_matches_the_oracle_after_a_mixed_stream_and_offsets_are_committed()
    {
        var simulation = new ShopperSimulation(500, seed: 11, DateTimeOffset.UtcNow.AddDays(-20), customerPrefix: "ing-");
        var events = simulation.Take(10_000).ToList();
        Assert.Equal(3, events.Select(e => e.Type).Distinct().Count());

        using (var producer = engine.CreateProducer())
        {
            foreach (var e in events)
            {
                producer.Produce(engine.Topics.TopicOf(e.Type), new Message<string?, byte[]> { Key = e.CustomerId, Value = e.Json });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        await Eventually.Until(
            () => KafkaOffsets.GroupCaughtUp(engine.Broker.BootstrapServers, engine.GroupId, engine.Topics.Inbound, EngineClusterFixture.Partitions),
            TimeSpan.FromMinutes(2), "the consumer group to commit every partition to its end");

        var expected = CustomerOracle.Compute(events.Select(e => e.Json));
        Assert.Equal(500, expected.Count);
        foreach (var (customerId, customer) in expected)
        {
            var view = await engine.Client.GetGrain<ICustomerGrain>(customerId).GetViewAsync();
            StateAssertions.Matches(customerId, customer, view);
            Assert.Equal(customer.LifetimeSpend, view.RollingSpend);
        }
    }
}

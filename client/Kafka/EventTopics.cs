using Engine.Contracts;

namespace Engine.Client.Kafka;

/// <summary>Where events go: the Kafka bootstrap address and the topic of each stream.</summary>
public sealed record EventTopics(string BootstrapServers, string Purchases, string Clicks, string Customers) : IEventTopics
{
    public static EventTopics From(EngineInfo info) =>
        new(info.BootstrapServers, info.PurchasesTopic, info.ClicksTopic, info.CustomersTopic);
}

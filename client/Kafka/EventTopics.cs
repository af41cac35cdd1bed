using Engine.Contracts;

namespace Engine.Client.Kafka;

/// <summary>Where events go: the Kafka bootstrap address and the topic of each stream.</summary>
public sealed record EventTopics(string BootstrapServers, string Purchases, string Clicks, string Customers)
{
    public const string DefaultPurchases = "engagement.purchases";
    public const string DefaultClicks = "engagement.clicks";
    public const string DefaultCustomers = "engagement.customers";

    public static EventTopics WithDefaultTopics(string bootstrapServers) =>
        new(bootstrapServers, DefaultPurchases, DefaultClicks, DefaultCustomers);

    public static EventTopics From(EngineInfo info) =>
        new(info.BootstrapServers, info.PurchasesTopic, info.ClicksTopic, info.CustomersTopic);

    public string TopicOf(EventKind kind) => kind switch
    {
        EventKind.Purchase => Purchases,
        EventKind.Click => Clicks,
        EventKind.Customer => Customers,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

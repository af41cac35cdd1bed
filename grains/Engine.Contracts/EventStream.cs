namespace Engine.Contracts;

/// <summary>
/// The engine's inbound event streams, one Kafka topic each. Kafka keeps a customer's events
/// in order only within one topic, so the stream of an event type is part of the contract
/// (docs/events.md, "Topics"); <see cref="EventStreams"/> decides it.
/// </summary>
public enum EventStream
{
    /// <summary>Purchases, and the refunds and points events that must stay in order with them.</summary>
    Purchases = 0,

    /// <summary>Storefront clicks.</summary>
    Clicks = 1,

    /// <summary>Profile updates.</summary>
    Customers = 2,
}

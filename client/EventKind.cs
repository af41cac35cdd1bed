namespace Engine.Client;

/// <summary>The engine's input streams; each has its own Kafka topic.</summary>
public enum EventKind
{
    /// <summary>Purchases, and the refunds and points events that must stay in order with them.</summary>
    Purchase = 0,
    Click = 1,
    Customer = 2,
}

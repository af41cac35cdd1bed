namespace Engine.Client;

/// <summary>The engine's input streams; each has its own Kafka topic.</summary>
public enum EventKind
{
    Purchase = 0,
    Click = 1,
    Customer = 2,
}

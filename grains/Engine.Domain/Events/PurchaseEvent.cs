namespace Engine.Domain.Events;

/// <summary>A completed order. <see cref="Amount"/> is what the customer paid for the order.</summary>
[GenerateSerializer, Immutable, Alias("engine.PurchaseEvent")]
public sealed record PurchaseEvent : CustomerEvent
{
    [Id(0)] public required string OrderId { get; init; }
    [Id(1)] public required decimal Amount { get; init; }
    [Id(2)] public required string Currency { get; init; }
    [Id(3)] public required IReadOnlyList<PurchaseLine> Items { get; init; }
    [Id(4)] public string? Channel { get; init; }
    [Id(5)] public string? Store { get; init; }
    [Id(6)] public string? Location { get; init; }

    public override string Type => EventTypes.Purchase;
}

/// <summary>One line of an order.</summary>
[GenerateSerializer, Immutable, Alias("engine.PurchaseLine")]
public sealed record PurchaseLine(
    [property: Id(0)] string Sku,
    [property: Id(1)] string? Name,
    [property: Id(2)] int Quantity,
    [property: Id(3)] decimal UnitPrice);

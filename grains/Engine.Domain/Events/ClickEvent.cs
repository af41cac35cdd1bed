namespace Engine.Domain.Events;

/// <summary>What a customer did on a storefront page.</summary>
public enum ClickAction
{
    PageView = 0,
    ProductView = 1,
    AddToCart = 2,
    RemoveFromCart = 3,
    CheckoutStarted = 4,
}

/// <summary>A storefront interaction within a session.</summary>
[GenerateSerializer, Immutable, Alias("engine.ClickEvent")]
public sealed record ClickEvent : CustomerEvent
{
    [Id(0)] public required ClickAction Action { get; init; }
    [Id(1)] public required string SessionId { get; init; }
    [Id(2)] public string? Url { get; init; }
    [Id(3)] public string? Sku { get; init; }
    [Id(4)] public int? Quantity { get; init; }
    [Id(5)] public decimal? UnitPrice { get; init; }
    [Id(6)] public string? ProductName { get; init; }

    public override string Type => EventTypes.Click;
}

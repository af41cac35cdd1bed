using Engine.Domain.Events;

namespace Engine.Domain.Tests;

/// <summary>Events as a producer would send them, with only what a test cares about spelled out.</summary>
internal static class Make
{
    /// <summary>The instant the tests are anchored on: 2026-11-23 10:00 UTC.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    public const string CustomerId = "c-1";
    public const string ClickStream = "engagement.clicks/0";
    public const string PurchaseStream = "engagement.purchases/0";
    public const string ProfileStream = "engagement.customers/0";

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static PurchaseLine Line(string sku, int quantity = 1, decimal unitPrice = 10m) => new(sku, null, quantity, unitPrice);

    public static PurchaseEvent Purchase(
        DateTimeOffset at,
        decimal amount = 10m,
        string? orderId = null,
        string currency = "USD",
        string? eventId = null,
        IReadOnlyList<PurchaseLine>? items = null) => new()
        {
            EventId = eventId ?? NewId("evt"),
            CustomerId = CustomerId,
            OccurredAt = at,
            OrderId = orderId ?? NewId("ord"),
            Amount = amount,
            Currency = currency,
            Items = items ?? [],
        };

    public static ClickEvent Click(
        ClickAction action,
        DateTimeOffset at,
        string? sku = null,
        int? quantity = null,
        decimal? unitPrice = null,
        string sessionId = "s-1",
        string? eventId = null) => new()
        {
            EventId = eventId ?? NewId("evt"),
            CustomerId = CustomerId,
            OccurredAt = at,
            Action = action,
            SessionId = sessionId,
            Sku = sku,
            Quantity = quantity,
            UnitPrice = unitPrice,
        };

    public static ClickEvent AddToCart(DateTimeOffset at, string sku, int? quantity = null, decimal? unitPrice = 10m) =>
        Click(ClickAction.AddToCart, at, sku, quantity, unitPrice);

    public static ClickEvent RemoveFromCart(DateTimeOffset at, string sku, int? quantity = null) =>
        Click(ClickAction.RemoveFromCart, at, sku, quantity);

    public static ClickEvent CheckoutStarted(DateTimeOffset at) => Click(ClickAction.CheckoutStarted, at);

    public static CustomerProfileEvent Profile(DateTimeOffset at, string? eventId = null) => new()
    {
        EventId = eventId ?? NewId("evt"),
        CustomerId = CustomerId,
        OccurredAt = at,
    };

    public static RefundEvent Refund(DateTimeOffset at, string orderId, decimal amount, string currency = "USD", string? eventId = null) => new()
    {
        EventId = eventId ?? NewId("evt"),
        CustomerId = CustomerId,
        OccurredAt = at,
        OrderId = orderId,
        Amount = amount,
        Currency = currency,
    };

    public static PointsRedeemedEvent Redeem(DateTimeOffset at, long points, string? eventId = null) => new()
    {
        EventId = eventId ?? NewId("evt"),
        CustomerId = CustomerId,
        OccurredAt = at,
        Points = points,
        Reason = "voucher",
    };

    public static PointsAdjustedEvent Adjust(DateTimeOffset at, long points, string reason = "goodwill", string? eventId = null) => new()
    {
        EventId = eventId ?? NewId("evt"),
        CustomerId = CustomerId,
        OccurredAt = at,
        Points = points,
        Reason = reason,
    };

    public static SequencedEvent At(CustomerEvent e, long offset, string? stream = null) =>
        new(e, new EventPosition(stream ?? StreamOf(e), offset));

    public static string StreamOf(CustomerEvent e) => e switch
    {
        // Refunds and points events travel on the purchases topic.
        PurchaseEvent or RefundEvent or PointsRedeemedEvent or PointsAdjustedEvent => PurchaseStream,
        ClickEvent => ClickStream,
        _ => ProfileStream,
    };
}

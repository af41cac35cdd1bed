using Engine.Domain.Events;

namespace Engine.Domain.Processing;

/// <summary>
/// The producer's ids that make an event the same event whatever its event id and offset:
/// the event id itself for every event that moves money or points (a producer retry, however
/// late), the order id of a purchase (an order counts once), the redemption id of a
/// redemption (a voucher is spent once), the refund id of a refund and the adjustment id of an
/// adjustment (each given once). Kinds are prefixed so an order id never matches a redemption id.
/// </summary>
public static class BusinessKeys
{
    public static string OfEvent(string eventId) => "event:" + eventId;

    public static string OfOrder(string orderId) => "order:" + orderId;

    public static string OfRedemption(string redemptionId) => "redemption:" + redemptionId;

    public static string OfRefund(string refundId) => "refund:" + refundId;

    public static string OfAdjustment(string adjustmentId) => "adjustment:" + adjustmentId;

    /// <summary>The keys an applied event is remembered by (none for clicks and profile events: the event-id ring covers those).</summary>
    public static IReadOnlyList<string> Of(CustomerEvent e) => e switch
    {
        PurchaseEvent purchase => [OfEvent(purchase.EventId), OfOrder(purchase.OrderId)],
        PointsRedeemedEvent { RedemptionId: { } redemption } r => [OfEvent(r.EventId), OfRedemption(redemption)],
        RefundEvent { RefundId: { } refund } r => [OfEvent(r.EventId), OfRefund(refund)],
        PointsAdjustedEvent { AdjustmentId: { } adjustment } a => [OfEvent(a.EventId), OfAdjustment(adjustment)],
        PointsRedeemedEvent or RefundEvent or PointsAdjustedEvent => [OfEvent(e.EventId)],
        _ => [],
    };

    /// <summary>True for the events remembered by their event id beyond the recent-id ring.</summary>
    public static bool AreKept(CustomerEvent e) => e is PurchaseEvent or RefundEvent or PointsRedeemedEvent or PointsAdjustedEvent;
}

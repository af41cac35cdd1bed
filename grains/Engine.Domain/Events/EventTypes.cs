namespace Engine.Domain.Events;

/// <summary>The values of the contract's "type" field.</summary>
public static class EventTypes
{
    public const string Purchase = "purchase";
    public const string Click = "click";
    public const string Customer = "customer";
    public const string PointsRedeemed = "points_redeemed";
    public const string Refund = "refund";
    public const string PointsAdjusted = "points_adjusted";
    public const string Referral = "referral";
}

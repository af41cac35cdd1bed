namespace Engine.Domain.Referrals;

/// <summary>
/// A customer's part in referrals: as a referrer, how many customers they referred and how
/// many of those bought (the <c>referrals</c> and <c>referred_buyers</c> segment facts).
/// </summary>
[GenerateSerializer, Alias("engine.CustomerReferrals")]
public sealed class CustomerReferrals
{
    /// <summary>Customers this one referred.</summary>
    [Id(0)] public int Referred { get; set; }

    /// <summary>Customers this one referred who made a purchase.</summary>
    [Id(1)] public int ReferredBuyers { get; set; }
}

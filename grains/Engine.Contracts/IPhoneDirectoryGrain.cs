namespace Engine.Contracts;

/// <summary>
/// Which customer owns a phone number (key: the E.164 number), so an inbound SMS (STOP)
/// reaches the right customer. Customers claim their number when their profile sets it.
/// </summary>
[Alias("engine.IPhoneDirectoryGrain")]
public interface IPhoneDirectoryGrain : IGrainWithStringKey
{
    /// <summary>Records that the customer now uses this number (the latest claim wins).</summary>
    [Alias("Claim")]
    Task ClaimAsync(string customerId);

    /// <summary>Forgets the number if this customer still holds it.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string customerId);

    /// <summary>The customer using the number, or null.</summary>
    [Alias("GetCustomer"), Orleans.Concurrency.ReadOnly]
    Task<string?> GetCustomerAsync();
}

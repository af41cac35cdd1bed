using Engine.Contracts;

namespace Engine.Grains;

/// <summary>One phone number and the customer who uses it.</summary>
public sealed class PhoneDirectoryGrain(
    [PersistentState("phone", StorageNames.Customers)] IPersistentState<PhoneEntry> entry) : Grain, IPhoneDirectoryGrain
{
    public async Task ClaimAsync(string customerId)
    {
        if (entry.State.CustomerId != customerId)
        {
            entry.State.CustomerId = customerId;
            await entry.WriteStateAsync();
        }
    }

    public async Task ReleaseAsync(string customerId)
    {
        if (entry.State.CustomerId == customerId)
        {
            entry.State.CustomerId = null;
            await entry.WriteStateAsync();
        }
    }

    public Task<string?> GetCustomerAsync() => Task.FromResult(entry.State.CustomerId);
}

/// <summary>Who uses a phone number.</summary>
[GenerateSerializer, Alias("engine.PhoneEntry")]
public sealed class PhoneEntry
{
    [Id(0)] public string? CustomerId { get; set; }
}

using Engine.Contracts;
using Engine.Domain.Customers;
using Microsoft.Extensions.Logging;

namespace Engine.Grains.Customers;

/// <summary>
/// Keeps the customer's number in the phone directory, which routes inbound SMS (STOP, HELP)
/// to the customer: the old number is released and the new one claimed when the profile's
/// phone changes. <see cref="CustomerState.DirectoryPhone"/> records what is listed.
/// </summary>
public static partial class PhoneDirectoryListing
{
    /// <summary>Brings the listing up to date; returns whether the state changed. A failure is logged and tried again on the next change.</summary>
    public static async Task<bool> UpdateAsync(IGrainFactory grains, CustomerState state, ILogger logger)
    {
        var phone = state.Profile.Phone;
        if (phone == state.DirectoryPhone)
        {
            return false;
        }

        try
        {
            if (state.DirectoryPhone is { } old)
            {
                await grains.GetGrain<IPhoneDirectoryGrain>(old).ReleaseAsync(state.CustomerId);
            }

            if (phone is not null)
            {
                await grains.GetGrain<IPhoneDirectoryGrain>(phone).ClaimAsync(state.CustomerId);
            }

            state.DirectoryPhone = phone;
            return true;
        }
        catch (Exception ex)
        {
            LogDirectoryFailed(logger, ex.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Updating the phone directory failed ({ErrorType}); retried on the next change")]
    private static partial void LogDirectoryFailed(ILogger logger, string errorType);
}

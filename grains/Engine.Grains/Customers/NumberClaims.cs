using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Microsoft.Extensions.Logging;

namespace Engine.Grains.Customers;

/// <summary>
/// Keeps the customer's number claimed in the suppression list: when the profile's phone
/// changes, the old number is released and the new one claimed, and the customer follows the
/// new number's latest instruction (a number that said STOP starts the customer opted out).
/// <see cref="CustomerState.ClaimedNumber"/> records what is claimed. Claims are idempotent,
/// so one made before the customer's state is durable is simply made again on replay.
/// </summary>
public static partial class NumberClaims
{
    /// <summary>Brings the claim up to date; returns whether the state changed. A failure is logged and tried again at the next settle.</summary>
    public static async Task<bool> UpdateAsync(IGrainFactory grains, NumberKeys keys, CustomerState state, DateTimeOffset now, ILogger logger)
    {
        var phone = state.Profile.Phone;
        if (phone == state.ClaimedNumber)
        {
            return false;
        }

        try
        {
            if (state.ClaimedNumber is { } old)
            {
                // Releasing one holder leaves the number's consent as it is: a shared handset stays suppressed for the others.
                await grains.GetGrain<IPhoneNumberGrain>(keys.KeyOf(old)).ReleaseAsync(state.CustomerId);
            }

            var latest = phone is null ? null : await grains.GetGrain<IPhoneNumberGrain>(keys.KeyOf(phone)).ClaimAsync(state.CustomerId);
            SmsPlanning.NumberClaimed(state, phone, latest, now);
            return true;
        }
        catch (Exception ex)
        {
            LogClaimFailed(logger, ex.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claiming the customer's number in the suppression list failed ({ErrorType}); tried again at the next settle")]
    private static partial void LogClaimFailed(ILogger logger, string errorType);
}

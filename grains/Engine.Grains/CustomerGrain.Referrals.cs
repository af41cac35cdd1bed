using Engine.Contracts;
using Engine.Domain.Effects;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Engine.Grains;

/// <summary>
/// Referrals between customers: the referred customer's grain tells the referrer's grain
/// (referred, then bought) from its outbox once its own state is durable, and drops each notice
/// when the referrer has it durably; the referrer counts by the referred id, so a notice
/// delivered twice (a crash between the call and the drop) counts once.
/// </summary>
public sealed partial class CustomerGrain
{
    public async Task RecordReferralAsync(string referredCustomerId, bool bought)
    {
        if (string.IsNullOrEmpty(referredCustomerId) || referredCustomerId == State.CustomerId
            || !State.Referrals.Record(referredCustomerId, bought))
        {
            return;
        }

        var now = time.GetUtcNow();
        Unsaved.Changed(now);
        // An advocate's referred buyers feed the segments (high-value): evaluated by the write.
        segments.EventsApplied(backfill: false);
        // Durable before returning: the caller drops its notice on success.
        await _store.WriteAsync();
        await SettleAsync();
    }

    /// <summary>Delivers open referral notices to their referrers; returns whether any was delivered (and dropped).</summary>
    private async Task<bool> HandOutReferralsAsync()
    {
        var delivered = false;
        foreach (var message in State.Outbox.Open(OutboxKind.ReferralNotice).ToList())
        {
            try
            {
                var notice = message.Referral!;
                await GrainFactory.GetGrain<ICustomerGrain>(notice.ReferrerId).RecordReferralAsync(State.CustomerId, notice.Bought);
                State.Outbox.Remove(message);
                delivered = true;
            }
            catch (Exception ex) when (ex is not InconsistentStateException)
            {
                // Left open: the wake-up tries again in a minute.
                LogReferralFailed(logger, ex.GetType().Name);
                break;
            }
        }

        return delivered;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telling a referrer about a referred customer failed ({ErrorType}); the notice stays in the outbox and is retried")]
    private static partial void LogReferralFailed(ILogger logger, string errorType);
}

using Engine.Contracts;
using Engine.Domain.Events;
using Engine.Domain.Sms;
using Microsoft.Extensions.Options;

namespace Engine.Grains;

/// <summary>
/// A number in the suppression list (see <see cref="IPhoneNumberGrain"/>). Thin: the rules are
/// <see cref="SuppressionList"/>; every change is written before the call answers, and a
/// write that fails fails the call and drops this activation, so what was answered is durable.
/// </summary>
public sealed class PhoneNumberGrain(
    [PersistentState("number", StorageNames.Customers)] IPersistentState<SuppressionEntry> entry,
    IOptions<SmsPolicyOptions> policy,
    SmsStatistics statistics) : Grain, IPhoneNumberGrain
{
    // Set while a change is only in memory: a call queued behind a failed write writes first,
    // so it never answers from state that is not durable.
    private bool _unsaved;

    public async Task<SmsConsent?> ClaimAsync(string customerId)
    {
        if (_unsaved)
        {
            await WriteAsync();
        }

        if (SuppressionList.Claim(entry.State, customerId))
        {
            await WriteAsync();
        }

        return entry.State.Latest;
    }

    public async Task ReleaseAsync(string customerId)
    {
        if (_unsaved)
        {
            await WriteAsync();
        }

        if (SuppressionList.Release(entry.State, customerId))
        {
            await WriteAsync();
        }
    }

    public async Task<NumberDelivery> ReceiveAsync(InboundSms message)
    {
        if (_unsaved)
        {
            await WriteAsync();
        }

        var outcome = SuppressionList.Receive(entry.State, message.GatewayMessageId, message.Text, message.ReceivedAt, policy.Value);
        if (outcome.IsNew)
        {
            await WriteAsync();
            if (outcome.Withheld is { } withheld)
            {
                statistics.Count(SmsTriggers.Key(withheld), "suppressed:" + SmsSuppressionReasons.ReplyLimited);
            }
        }

        return new NumberDelivery(outcome.Instruction, [.. entry.State.Customers], entry.State.Latest);
    }

    public Task<NumberDelivery> GetAsync() => Task.FromResult(new NumberDelivery(null, [.. entry.State.Customers], entry.State.Latest));

    private async Task WriteAsync()
    {
        _unsaved = true;
        try
        {
            await entry.WriteStateAsync();
            _unsaved = false;
        }
        catch
        {
            // What is in memory is not durable: the next activation reads what is, and the
            // caller's retry (the gateway's, the customer's next claim) decides again.
            DeactivateOnIdle();
            throw;
        }
    }
}

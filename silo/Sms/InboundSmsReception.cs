using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Grains;

namespace Engine.Silo.Sms;

/// <summary>
/// Takes an inbound message (from any gateway's callback) into the suppression list and to
/// the customers holding the number. It reports success only once all of that is durable: the
/// number's decision, then each holder's consent; the caller answers the gateway with a
/// retryable failure otherwise, and the retry (same gateway id) is decided once and handed on again.
/// </summary>
public sealed partial class InboundSmsReception(IGrainFactory grains, NumberKeys numbers, [FromKeyedServices(EngineTime.Key)] TimeProvider clock, ILogger<InboundSmsReception> logger)
{
    /// <summary>False when the message could not be stored and the gateway should retry; true when stored, or when there is nothing to store.</summary>
    public async Task<bool> ReceiveAsync(string from, string text, string gatewayMessageId)
    {
        if (!numbers.TryNormalise(from, out var number))
        {
            // A retry cannot make it a number (an alphanumeric sender, a short code): nothing to record.
            LogNotANumber(logger, ContactRules.Mask(from));
            return true;
        }

        try
        {
            // Consent is timed by the engine's clock: a caller-chosen ts must not win over later profile events.
            var inbound = new InboundSms(number, text, gatewayMessageId, clock.GetUtcNow());
            var key = numbers.KeyOf(number);
            var delivery = await grains.GetGrain<IPhoneNumberGrain>(key).ReceiveAsync(inbound);
            if (delivery.Instruction is { } instruction)
            {
                await Task.WhenAll(delivery.Customers.Select(id => grains.GetGrain<ICustomerGrain>(id).ReceiveFromNumberAsync(key, instruction)));
            }

            return true;
        }
        catch (Exception ex)
        {
            LogNotStored(logger, ex.GetType().Name, ContactRules.Mask(number));
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbound SMS from {Phone}, which is not a phone number; ignored")]
    private static partial void LogNotANumber(ILogger logger, string phone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound SMS from {Phone} could not be stored ({ErrorType}); the gateway is asked to retry")]
    private static partial void LogNotStored(ILogger logger, string errorType, string phone);
}

using Engine.Domain.Events;
using Engine.Domain.Sms;

namespace Engine.Contracts;

/// <summary>
/// One phone number in the suppression list, keyed by <see cref="NumberKey"/> (an HMAC of the
/// E.164 number, never the number itself): the customers holding it and its latest consent
/// instruction. Every call that changes it is durable before it answers.
/// </summary>
[Alias("engine.IPhoneNumberGrain")]
public interface IPhoneNumberGrain : IGrainWithStringKey
{
    /// <summary>Records that the customer holds the number (idempotent); returns the number's latest instruction, which the customer follows.</summary>
    [Alias("Claim")]
    Task<SmsConsent?> ClaimAsync(string customerId);

    /// <summary>Forgets the customer as a holder (idempotent); the number's consent stays.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string customerId);

    /// <summary>
    /// Decides an inbound message from the number once per gateway id and stores it before
    /// answering; a repeat answers the first decision. The caller hands the instruction to
    /// every holder (<see cref="ICustomerGrain.ReceiveFromNumberAsync"/>), so the number grain
    /// never calls a customer (which may be calling it to claim).
    /// </summary>
    [Alias("Receive")]
    Task<NumberDelivery> ReceiveAsync(InboundSms message);

    /// <summary>The number's holders and latest instruction.</summary>
    [Alias("GetEntry"), Orleans.Concurrency.ReadOnly]
    Task<NumberDelivery> GetAsync();
}

/// <summary>An instruction (null when only read) and the customers to hand it to.</summary>
[GenerateSerializer, Immutable, Alias("engine.NumberDelivery")]
public sealed record NumberDelivery(
    [property: Id(0)] NumberInstruction? Instruction,
    [property: Id(1)] IReadOnlyList<string> Customers,
    [property: Id(2)] SmsConsent? Latest);

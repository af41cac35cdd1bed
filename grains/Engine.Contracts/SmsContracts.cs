using Engine.Domain.Sms;

namespace Engine.Contracts;

/// <summary>An SMS the customer grain has marked Sending, rendered and ready for a gateway.</summary>
[GenerateSerializer, Immutable, Alias("engine.SmsDispatch")]
public sealed record SmsDispatch(
    [property: Id(0)] string MessageId,
    [property: Id(1)] string CustomerId,
    [property: Id(2)] string To,
    [property: Id(3)] string Text,
    [property: Id(4)] bool Unicode,
    [property: Id(5)] int Segments,
    [property: Id(6)] string Trigger);

/// <summary>How a gateway answered a send.</summary>
public enum SmsSendStatus
{
    /// <summary>Taken for delivery.</summary>
    Accepted = 0,
    /// <summary>Taken, queued by the gateway for later delivery.</summary>
    Queued = 1,
    /// <summary>Refused for good (bad number, configuration): not retried.</summary>
    Rejected = 2,
    /// <summary>Certainly not taken (refused connection, 503, 429): retried with backoff.</summary>
    TransientFailure = 3,
    /// <summary>
    /// The request may have reached the gateway but no answer came (timeout, connection cut
    /// mid-request): not retried, because a retry could send the message twice.
    /// </summary>
    OutcomeUnknown = 4,
}

/// <summary>A gateway's answer, reported back to the customer grain.</summary>
[GenerateSerializer, Immutable, Alias("engine.SmsSendOutcome")]
public sealed record SmsSendOutcome(
    [property: Id(0)] SmsSendStatus Status,
    [property: Id(1)] string? GatewayMessageId,
    [property: Id(2)] string? Detail,
    [property: Id(3)] string Gateway);

/// <summary>A delivery report for one message.</summary>
[GenerateSerializer, Immutable, Alias("engine.SmsDeliveryReport")]
public sealed record SmsDeliveryReport(
    [property: Id(0)] SmsDeliveryState State,
    [property: Id(1)] DateTimeOffset At);

/// <summary>A message a customer sent to us (STOP, START, HELP, or anything else).</summary>
[GenerateSerializer, Immutable, Alias("engine.InboundSms")]
public sealed record InboundSms(
    [property: Id(0)] string From,
    [property: Id(1)] string Text,
    [property: Id(2)] string GatewayMessageId,
    [property: Id(3)] DateTimeOffset ReceivedAt);

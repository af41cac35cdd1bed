namespace Engine.Grains.Effects;

/// <summary>
/// An SMS gateway (Kannel, a Twilio-style REST API, or the file sink). Implementations are
/// in the silo; a send is attempted only after the message is marked Sending in durable
/// state, and the gateway's answer decides what happens next.
/// </summary>
public interface ISmsGateway
{
    /// <summary>The gateway's name, for logs and metrics ("kannel", "twilio", "file").</summary>
    string Name { get; }

    /// <summary>Hands one message to the gateway. Never throws for a gateway answer; throws only on cancellation.</summary>
    Task<SmsSendResult> SendAsync(OutgoingSms sms, CancellationToken cancellationToken = default);
}

/// <summary>A rendered message ready for a gateway. <see cref="MessageId"/> is the outbox id, carried into delivery reports.</summary>
public sealed record OutgoingSms(string MessageId, string CustomerId, string To, string Text, bool Unicode, int Segments);

/// <summary>How a gateway answered a send.</summary>
public enum SmsSendStatus
{
    /// <summary>Taken for delivery (Kannel "0: Accepted", Twilio queued/accepted).</summary>
    Accepted = 0,
    /// <summary>Taken, but queued for later by the gateway (Kannel "3: Queued for later delivery").</summary>
    Queued = 1,
    /// <summary>Refused for good (bad number, configuration error): do not retry.</summary>
    Rejected = 2,
    /// <summary>Not taken this time (503, timeout, connection refused): retry with backoff.</summary>
    TransientFailure = 3,
}

/// <summary>A gateway's answer to one send.</summary>
public sealed record SmsSendResult(SmsSendStatus Status, string? GatewayMessageId = null, string? Detail = null)
{
    public bool WasTaken => Status is SmsSendStatus.Accepted or SmsSendStatus.Queued;
}

/// <summary>Delivery states reported back by gateways.</summary>
public enum SmsDeliveryState
{
    Queued = 0,
    Sent = 1,
    Delivered = 2,
    Failed = 3,
}

using Engine.Contracts;

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

/// <summary>A gateway's answer to one send.</summary>
public sealed record SmsSendResult(SmsSendStatus Status, string? GatewayMessageId = null, string? Detail = null)
{
    public bool WasTaken => Status is SmsSendStatus.Accepted or SmsSendStatus.Queued;
}

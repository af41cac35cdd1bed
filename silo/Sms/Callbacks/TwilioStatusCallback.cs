using Engine.Contracts;
using Engine.Domain.Sms;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Engine.Grains.Effects;
using Microsoft.AspNetCore.Http;

namespace Engine.Silo.Sms.Callbacks;

/// <summary>
/// A Twilio message status callback: a form POST (MessageSid, MessageStatus, ErrorCode, ...)
/// to the StatusCallback the Twilio gateway hands out, whose query carries our ids
/// (<c>?msg={outbox id}&amp;customer={customer id}</c>). Twilio sends no time, so the
/// caller passes when it arrived. Check <see cref="TwilioRequestSignature"/> first.
/// </summary>
/// <param name="MessageId">The outbox id the callback is about.</param>
/// <param name="CustomerId">The customer the message was for.</param>
/// <param name="MessageSid">Twilio's id of the message (SM... or MM...).</param>
/// <param name="State">What the status means for delivery.</param>
/// <param name="Status">Twilio's status as sent, e.g. "undelivered".</param>
/// <param name="ErrorCode">Twilio's error code for failed and undelivered messages, e.g. "30003".</param>
/// <param name="At">When the callback arrived.</param>
public sealed partial record TwilioStatusCallback(
    string MessageId, string CustomerId, string MessageSid, SmsDeliveryState State, string Status, string? ErrorCode, DateTimeOffset At)
{
    /// <summary>Reads a callback; false if a field is missing, repeated or malformed, or the status is not a delivery state.</summary>
    public static bool TryParse(IFormCollection form, IQueryCollection query, DateTimeOffset receivedAt, [NotNullWhen(true)] out TwilioStatusCallback? callback)
    {
        callback = null;
        string? errorCode = null;
        if (!CallbackFields.TryGetId(query, "msg", out var messageId)
            || !CallbackFields.TryGetId(query, "customer", out var customerId)
            || !CallbackFields.TryGet(form, "MessageSid", 64, out var sid) || !Sid().IsMatch(sid)
            || !CallbackFields.TryGet(form, "MessageStatus", 32, out var status)
            || StateOf(status) is not { } state
            || (form.ContainsKey("ErrorCode") && (!CallbackFields.TryGet(form, "ErrorCode", 10, out errorCode) || !errorCode.All(char.IsAsciiDigit))))
        {
            return false;
        }

        callback = new TwilioStatusCallback(messageId, customerId, sid, state, status, errorCode is { Length: > 0 } ? errorCode : null, receivedAt);
        return true;
    }

    /// <summary>Twilio's outbound message statuses; inbound ones (receiving, received) are not delivery states.</summary>
    public static SmsDeliveryState? StateOf(string twilioStatus) => twilioStatus.ToLowerInvariant() switch
    {
        "accepted" or "scheduled" or "queued" or "sending" => SmsDeliveryState.Queued,
        "sent" => SmsDeliveryState.Sent,
        "delivered" or "read" => SmsDeliveryState.Delivered,
        "undelivered" or "failed" or "canceled" => SmsDeliveryState.Failed,
        _ => null,
    };

    [GeneratedRegex(@"^[A-Z]{2}[0-9a-fA-F]{32}$")]
    private static partial Regex Sid();
}

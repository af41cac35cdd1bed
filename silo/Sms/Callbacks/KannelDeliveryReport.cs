using Engine.Contracts;
using Engine.Domain.Sms;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Engine.Grains.Effects;
using Microsoft.AspNetCore.Http;

namespace Engine.Silo.Sms.Callbacks;

/// <summary>
/// A Kannel delivery report, as it arrives at the dlr-url the Kannel gateway hands out:
/// <c>?msg={outbox id}&amp;customer={customer id}&amp;status=%d&amp;ts=%T</c>.
/// </summary>
/// <param name="MessageId">The outbox id the report is about.</param>
/// <param name="CustomerId">The customer the message was for.</param>
/// <param name="State">What the report says happened.</param>
/// <param name="At">When Kannel produced the report (%T).</param>
/// <param name="KannelStatus">Kannel's %d: 1 delivered, 2 undelivered, 4 queued, 8 SMSC ack, 16 SMSC reject.</param>
public sealed record KannelDeliveryReport(string MessageId, string CustomerId, SmsDeliveryState State, DateTimeOffset At, int KannelStatus)
{
    /// <summary>Reads a report; false if a field is missing, repeated, too long or not a single known status.</summary>
    public static bool TryParse(IQueryCollection query, [NotNullWhen(true)] out KannelDeliveryReport? report)
    {
        report = null;
        if (!CallbackFields.TryGetId(query, "msg", out var messageId)
            || !CallbackFields.TryGetId(query, "customer", out var customerId)
            || !CallbackFields.TryGet(query, "status", 3, out var statusText)
            || !int.TryParse(statusText, NumberStyles.None, CultureInfo.InvariantCulture, out var status)
            || StateOf(status) is not { } state
            || !CallbackFields.TryGet(query, "ts", 20, out var ts)
            || !CallbackFields.TryParseUnixTime(ts, out var at))
        {
            return false;
        }

        report = new KannelDeliveryReport(messageId, customerId, state, at, status);
        return true;
    }

    /// <summary>Kannel sends one report per event, so exactly one bit is set.</summary>
    public static SmsDeliveryState? StateOf(int kannelStatus) => kannelStatus switch
    {
        1 => SmsDeliveryState.Delivered,
        2 => SmsDeliveryState.Failed,
        4 => SmsDeliveryState.Queued,
        8 => SmsDeliveryState.Sent,
        16 => SmsDeliveryState.Failed,
        _ => null,
    };
}

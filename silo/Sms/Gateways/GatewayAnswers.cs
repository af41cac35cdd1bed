using Engine.Contracts;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Engine.Grains.Effects;

namespace Engine.Silo.Sms.Gateways;

/// <summary>The classifications the gateways share: what counts as transient, and what a detail may show.</summary>
internal static partial class GatewayAnswers
{
    private const int MaxDetailLength = 200;

    /// <summary>HTTP answers worth another attempt later: overload, throttling, server trouble.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>
    /// A failure to get an answer. Only a failure before the request could reach the gateway
    /// (refused, connect timeout, DNS, TLS) may be retried; after that the outcome is unknown,
    /// and a retry could send the message twice.
    /// </summary>
    public static SmsSendResult FromException(Exception exception) => exception switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError } http
            => new(SmsSendStatus.TransientFailure, Detail: $"not reached ({http.HttpRequestError})"),
        SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TimedOut } socket
            => new(SmsSendStatus.TransientFailure, Detail: $"not reached ({socket.SocketErrorCode})"),
        HttpRequestException http => new(SmsSendStatus.OutcomeUnknown, Detail: $"no answer ({http.HttpRequestError})"),
        _ => new(SmsSendStatus.OutcomeUnknown, Detail: $"no answer ({exception.GetType().Name})"),
    };

    public static SmsSendResult TimedOut(TimeSpan timeout) =>
        new(SmsSendStatus.OutcomeUnknown, Detail: $"no answer within {timeout.TotalSeconds:0.###}s");

    /// <summary>A gateway's reply made safe for logs and state: one line, short, without the recipient's number.</summary>
    public static string Redact(string reply, string to)
    {
        var text = reply.ReplaceLineEndings(" ").Trim();
        if (to.Length > 0)
        {
            text = text.Replace(to, "<to>", StringComparison.Ordinal);
            var digits = to.TrimStart('+');
            if (digits.Length >= 4)
            {
                text = text.Replace(digits, "<to>", StringComparison.Ordinal);
            }
        }

        // Gateways may echo the number reformatted; any long run of digits is treated as one.
        text = LongNumber().Replace(text, "<number>");
        return text.Length <= MaxDetailLength ? text : text[..MaxDetailLength] + "…";
    }

    [GeneratedRegex(@"\+?\d{7,}")]
    private static partial Regex LongNumber();
}

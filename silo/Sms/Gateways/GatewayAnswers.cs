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

    /// <summary>A failure to get any answer (refused, reset, DNS, TLS): the message may be retried.</summary>
    public static SmsSendResult FromException(Exception exception) => exception switch
    {
        HttpRequestException http => new(SmsSendStatus.TransientFailure, Detail: $"no answer ({http.HttpRequestError}): {http.Message}"),
        IOException or SocketException => new(SmsSendStatus.TransientFailure, Detail: $"no answer: {exception.Message}"),
        _ => new(SmsSendStatus.TransientFailure, Detail: $"unexpected {exception.GetType().Name}: {exception.Message}"),
    };

    public static SmsSendResult TimedOut(TimeSpan timeout) =>
        new(SmsSendStatus.TransientFailure, Detail: $"no answer within {timeout.TotalSeconds:0.###}s");

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

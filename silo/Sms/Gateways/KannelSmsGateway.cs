using Engine.Contracts;
using System.Globalization;
using System.Net;
using System.Text;
using Engine.Grains.Effects;
using Engine.Silo.Sms.Callbacks;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Sms.Gateways;

/// <summary>
/// Sends through Kannel's smsbox (<c>GET /cgi-bin/sendsms</c>). One attempt per call; the
/// caller retries. A 202 means Kannel took the message, not that it was sent: delivery is
/// reported later to <see cref="KannelGatewayOptions.DlrUrl"/>, carrying the outbox id.
/// </summary>
public sealed class KannelSmsGateway : ISmsGateway
{
    public const string HttpClientName = "sms-kannel";

    private readonly IHttpClientFactory _clients;
    private readonly SmsGatewayOptions _options;
    private readonly ILogger<KannelSmsGateway> _logger;
    private readonly string _callbackToken;

    public KannelSmsGateway(IHttpClientFactory clients, IOptions<SmsGatewayOptions> options, IOptions<SmsCallbackOptions> callbacks, ILogger<KannelSmsGateway> logger)
    {
        _clients = clients;
        _options = options.Value;
        _callbackToken = callbacks.Value.Token;
        _logger = logger;
    }

    public string Name => SmsGatewayProviders.Kannel;

    public async Task<SmsSendResult> SendAsync(OutgoingSms sms, CancellationToken cancellationToken = default)
    {
        var kannel = _options.Kannel;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(kannel.Timeout);
        SmsSendResult result;
        try
        {
            var client = _clients.CreateClient(HttpClientName);
            using var response = await client.GetAsync(SendUri(sms), timeout.Token);
            var reply = await response.Content.ReadAsStringAsync(timeout.Token);
            result = Classify(response.StatusCode, reply, sms.To);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            result = GatewayAnswers.TimedOut(kannel.Timeout);
        }
        catch (Exception exception)
        {
            result = GatewayAnswers.FromException(exception);
        }

        if (!result.WasTaken)
        {
            // The URL carries the password and the number: log only the outbox id and the answer.
            _logger.LogWarning("Kannel did not take SMS {MessageId}: {Status} {Detail}", sms.MessageId, result.Status, result.Detail);
        }

        return result;
    }

    /// <summary>The sendsms request for one message (exposed for tests; it contains the password).</summary>
    internal Uri SendUri(OutgoingSms sms)
    {
        var kannel = _options.Kannel;
        var query = new StringBuilder(kannel.SendUrl);
        query.Append(kannel.SendUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?');
        Append(query, "username", kannel.Username, first: true);
        Append(query, "password", kannel.Password);
        if (_options.From.Length > 0)
        {
            Append(query, "from", _options.From);
        }

        Append(query, "to", sms.To);
        Append(query, "text", sms.Text);
        Append(query, "charset", "UTF-8");
        Append(query, "coding", sms.Unicode ? "2" : "0");
        Append(query, "max-messages", Math.Max(1, sms.Segments).ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(kannel.Smsc))
        {
            Append(query, "smsc", kannel.Smsc);
        }

        if (kannel.DlrMask > 0 && kannel.DlrUrl.Length > 0)
        {
            Append(query, "dlr-mask", kannel.DlrMask.ToString(CultureInfo.InvariantCulture));
            Append(query, "dlr-url", DlrUrl(kannel.DlrUrl, _callbackToken, sms));
        }

        return new Uri(query.ToString());
    }

    /// <summary>
    /// The delivery-report URL handed to Kannel: our ids plus Kannel's escapes %d (status) and
    /// %T (unix time). Kannel expands every %x in it, and percent-escapes of the ids start with
    /// hex letters that are escapes too (%C3 would become the charset), so their % is doubled:
    /// Kannel turns %% back into %. The callback token (<see cref="SmsCallbackOptions.Token"/>)
    /// is appended here, so DlrUrl in configuration stays free of the secret.
    /// </summary>
    internal static string DlrUrl(string callbackUrl, string callbackToken, OutgoingSms sms)
    {
        var separator = callbackUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var token = callbackToken.Length > 0 ? $"{SmsCallbackOptions.TokenParameter}={KannelLiteral(callbackToken)}&" : "";
        return $"{callbackUrl}{separator}{token}msg={KannelLiteral(sms.MessageId)}&customer={KannelLiteral(sms.CustomerId)}&status=%d&ts=%T";
    }

    /// <summary>smsbox's reply mapped onto the port's outcomes (see the Kannel user guide, "sendsms").</summary>
    internal static SmsSendResult Classify(HttpStatusCode status, string reply, string to)
    {
        var detail = GatewayAnswers.Redact(reply, to);
        if ((int)status is >= 200 and < 300)
        {
            // "0: Accepted for delivery" or "3: Queued for later delivery"; any other 2xx still
            // means Kannel took it, and sending again would duplicate the message.
            return detail.StartsWith("3:", StringComparison.Ordinal)
                ? new SmsSendResult(SmsSendStatus.Queued, Detail: detail)
                : new SmsSendResult(SmsSendStatus.Accepted, Detail: detail);
        }

        if (GatewayAnswers.IsTransient(status))
        {
            return new SmsSendResult(SmsSendStatus.TransientFailure, Detail: $"HTTP {(int)status}: {detail}");
        }

        // 4xx: bad credentials, bad number, bad parameters; configuration or request errors.
        return new SmsSendResult(SmsSendStatus.Rejected, Detail: $"HTTP {(int)status}: {detail}");
    }

    private static void Append(StringBuilder query, string name, string value, bool first = false)
    {
        if (!first)
        {
            query.Append('&');
        }

        query.Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }

    private static string KannelLiteral(string value) => Uri.EscapeDataString(value).Replace("%", "%%", StringComparison.Ordinal);
}

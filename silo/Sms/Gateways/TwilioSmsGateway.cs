using Engine.Contracts;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Engine.Grains.Effects;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Sms.Gateways;

/// <summary>
/// Sends through Twilio's Messages API (<c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>).
/// One attempt per call; the caller retries. A 201 means Twilio queued the message; its
/// status changes are posted to <see cref="TwilioGatewayOptions.StatusCallbackUrl"/>.
/// </summary>
public sealed class TwilioSmsGateway : ISmsGateway
{
    public const string HttpClientName = "sms-twilio";

    private readonly IHttpClientFactory _clients;
    private readonly SmsGatewayOptions _options;
    private readonly ILogger<TwilioSmsGateway> _logger;
    private readonly AuthenticationHeaderValue _authorization;

    public TwilioSmsGateway(IHttpClientFactory clients, IOptions<SmsGatewayOptions> options, ILogger<TwilioSmsGateway> logger)
    {
        _clients = clients;
        _options = options.Value;
        _logger = logger;
        var twilio = _options.Twilio;
        _authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{twilio.AccountSid}:{twilio.AuthToken}")));
    }

    public string Name => SmsGatewayProviders.Twilio;

    public async Task<SmsSendResult> SendAsync(OutgoingSms sms, CancellationToken cancellationToken = default)
    {
        var twilio = _options.Twilio;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(twilio.Timeout);
        SmsSendResult result;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, MessagesUri())
            {
                Content = new FormUrlEncodedContent(Form(sms)),
            };
            request.Headers.Authorization = _authorization;
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            var client = _clients.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            result = Classify(response.StatusCode, body, sms.To);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            result = GatewayAnswers.TimedOut(twilio.Timeout);
        }
        catch (Exception exception)
        {
            result = GatewayAnswers.FromException(exception);
        }

        if (!result.WasTaken)
        {
            _logger.LogWarning("Twilio did not take SMS {MessageId}: {Status} {Detail}", sms.MessageId, result.Status, result.Detail);
        }

        return result;
    }

    /// <summary>Where status callbacks for one message go: the configured endpoint plus our ids.</summary>
    public static string StatusCallbackFor(string statusCallbackUrl, OutgoingSms sms)
    {
        var separator = statusCallbackUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return $"{statusCallbackUrl}{separator}msg={Uri.EscapeDataString(sms.MessageId)}&customer={Uri.EscapeDataString(sms.CustomerId)}";
    }

    /// <summary>The API's answer mapped onto the port's outcomes (Twilio "API responses" and error dictionary).</summary>
    internal static SmsSendResult Classify(HttpStatusCode status, string body, string to)
    {
        if ((int)status is >= 200 and < 300)
        {
            // Twilio holds the message now; without a sid we still must not send it again.
            var (sid, messageStatus) = ReadMessage(body);
            return new SmsSendResult(SmsSendStatus.Accepted, sid, messageStatus is null ? "no status in answer" : $"twilio {messageStatus}");
        }

        var error = ReadError(body, to);
        var detail = $"HTTP {(int)status}: {error}";
        return GatewayAnswers.IsTransient(status)
            ? new SmsSendResult(SmsSendStatus.TransientFailure, Detail: detail)
            : new SmsSendResult(SmsSendStatus.Rejected, Detail: detail);
    }

    private Uri MessagesUri()
    {
        var twilio = _options.Twilio;
        return new Uri($"{twilio.BaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(twilio.AccountSid)}/Messages.json");
    }

    private List<KeyValuePair<string, string>> Form(OutgoingSms sms)
    {
        var twilio = _options.Twilio;
        var form = new List<KeyValuePair<string, string>> { new("To", sms.To), new("Body", sms.Text) };
        if (!string.IsNullOrEmpty(twilio.MessagingServiceSid))
        {
            form.Add(new("MessagingServiceSid", twilio.MessagingServiceSid));
        }
        else
        {
            form.Add(new("From", _options.From));
        }

        if (twilio.StatusCallbackUrl.Length > 0)
        {
            form.Add(new("StatusCallback", StatusCallbackFor(twilio.StatusCallbackUrl, sms)));
        }

        return form;
    }

    private static (string? Sid, string? Status) ReadMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            return (Text(root, "sid"), Text(root, "status"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>Twilio's error body: {"code": 21211, "message": "...", "more_info": "...", "status": 400}.</summary>
    private static string ReadError(string body, string to)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetRawText() : "?";
                return GatewayAnswers.Redact($"twilio error {code}: {Text(root, "message")}", to);
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, say): show the start of it.
        }

        return GatewayAnswers.Redact(body, to);
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

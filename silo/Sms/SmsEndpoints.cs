using Engine.Contracts;
using Engine.Grains;
using Engine.Silo.Sms.Callbacks;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Sms;

/// <summary>
/// Gateway callbacks: delivery reports and inbound messages (STOP, START, HELP). Kannel sends
/// any response body back to the handset, so its endpoints answer with an empty body; a 503
/// asks it to retry (only when the engine could not take the callback). The Kannel routes
/// admit only callers <see cref="CallbackGate"/> lets through (token, source); the rest get 403.
/// </summary>
public static partial class SmsEndpoints
{
    public static WebApplication MapSmsCallbacks(this WebApplication app)
    {
        app.MapGet("/sms/kannel/dlr", async (HttpRequest request, IGrainFactory grains) =>
        {
            if (!KannelDeliveryReport.TryParse(request.Query, out var report))
            {
                return Results.Text("", statusCode: StatusCodes.Status200OK);
            }

            await grains.GetGrain<ICustomerGrain>(report.CustomerId).RecordSmsDeliveryAsync(report.MessageId, new SmsDeliveryReport(report.State, report.At));
            return Results.Text("");
        }).AddEndpointFilter(new KannelCallbackFilter(KannelCallbackFilter.DeliveryReportRoute));

        app.MapGet("/sms/kannel/inbound", (HttpRequest request, IGrainFactory grains, NumberKeys numbers, ILoggerFactory loggers, [FromKeyedServices(EngineTime.Key)] TimeProvider clock) =>
            ReceiveInboundAsync(request, grains, numbers, loggers.CreateLogger("Engine.Silo.Sms"), clock))
            .AddEndpointFilter(new KannelCallbackFilter(KannelCallbackFilter.InboundRoute));

        app.MapPost("/sms/twilio/status", async (HttpRequest request, IGrainFactory grains, IOptions<SmsGatewayOptions> options, TimeProvider time) =>
        {
            var twilio = options.Value.Twilio;
            if (twilio.AuthToken.Length == 0 || !Uri.TryCreate(twilio.StatusCallbackUrl, UriKind.Absolute, out var callbackUrl))
            {
                // Not configured: there is nothing to verify a signature with, and nothing sent through Twilio.
                return Results.NotFound();
            }

            var form = await request.ReadFormAsync();
            var url = callbackUrl.GetLeftPart(UriPartial.Path) + request.QueryString.Value;
            if (!TwilioRequestSignature.IsValid(url, form, request.Headers[TwilioRequestSignature.HeaderName], twilio.AuthToken))
            {
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }

            if (!TwilioStatusCallback.TryParse(form, request.Query, time.GetUtcNow(), out var callback))
            {
                return Results.Ok();
            }

            await grains.GetGrain<ICustomerGrain>(callback.CustomerId).RecordSmsDeliveryAsync(callback.MessageId, new SmsDeliveryReport(callback.State, callback.At));
            return Results.Ok();
        });

        return app;
    }

    /// <summary>
    /// An inbound message is answered 200 only once it is durable: the number's decision in
    /// the suppression list, then each holder's consent. Anything that fails on the way
    /// answers 503 so Kannel retries (http-request-retry), and the retry, carrying the same
    /// id, is decided once and handed on again.
    /// </summary>
    private static async Task<IResult> ReceiveInboundAsync(HttpRequest request, IGrainFactory grains, NumberKeys numbers, ILogger logger, TimeProvider clock)
    {
        if (!KannelInboundMessage.TryParse(request.Query, out var message))
        {
            return Results.Text("");
        }

        if (!numbers.TryNormalise(message.From, out var from))
        {
            // A retry cannot make it a number (an alphanumeric sender, a short code): nothing to record.
            LogNotANumber(logger, Domain.Customers.ContactRules.Mask(message.From));
            return Results.Text("");
        }

        try
        {
            // Consent is timed by the engine's clock: a caller-chosen ts must not win over later profile events.
            var inbound = new InboundSms(from, message.Text, message.GatewayMessageId, clock.GetUtcNow());
            var delivery = await grains.GetGrain<IPhoneNumberGrain>(numbers.KeyOf(from)).ReceiveAsync(inbound);
            if (delivery.Instruction is { } instruction)
            {
                await Task.WhenAll(delivery.Customers.Select(id => grains.GetGrain<ICustomerGrain>(id).ReceiveFromNumberAsync(instruction)));
            }

            return Results.Text("");
        }
        catch (Exception ex)
        {
            LogInboundNotStored(logger, ex.GetType().Name, Domain.Customers.ContactRules.Mask(from));
            return Results.Text("", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbound SMS from {Phone}, which is not a phone number; ignored")]
    private static partial void LogNotANumber(ILogger logger, string phone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound SMS from {Phone} could not be stored ({ErrorType}); answered 503 for Kannel to retry")]
    private static partial void LogInboundNotStored(ILogger logger, string errorType, string phone);
}

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
public static class SmsEndpoints
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

        // Answered 200 only once the message is durable (InboundSmsReception); 503 makes Kannel retry (http-request-retry).
        app.MapGet("/sms/kannel/inbound", async (HttpRequest request, InboundSmsReception reception) =>
            !KannelInboundMessage.TryParse(request.Query, out var message) || await reception.ReceiveAsync(message.From, message.Text, message.GatewayMessageId)
                ? Results.Text("")
                : Results.Text("", statusCode: StatusCodes.Status503ServiceUnavailable))
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
}

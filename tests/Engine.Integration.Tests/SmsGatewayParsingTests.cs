using Engine.Domain.Sms;
using System.Net;
using Engine.Contracts;
using Engine.Grains.Effects;
using Engine.Silo.Sms;
using Engine.Silo.Sms.Callbacks;
using Engine.Silo.Sms.Gateways;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using static Engine.Integration.Tests.SmsGatewayServices;

namespace Engine.Integration.Tests;

/// <summary>
/// What the gateways read and refuse, with nothing listening: the gateways' replies, delivery
/// reports, inbound messages, Twilio's signatures and statuses, and the options.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SmsGatewayParsingTests
{
    [Theory]
    [InlineData(HttpStatusCode.Accepted, "0: Accepted for delivery", SmsSendStatus.Accepted)]
    [InlineData(HttpStatusCode.Accepted, "3: Queued for later delivery", SmsSendStatus.Queued)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "Temporal failure, try again later.", SmsSendStatus.TransientFailure)]
    [InlineData(HttpStatusCode.InternalServerError, "Internal error", SmsSendStatus.TransientFailure)]
    [InlineData(HttpStatusCode.Forbidden, "Authorization failed for sendsms", SmsSendStatus.Rejected)]
    [InlineData(HttpStatusCode.BadRequest, "Number +15550100008 denied by white- and/or black-lists", SmsSendStatus.Rejected)]
    public void Kannel_replies_are_classified_without_the_number(HttpStatusCode status, string reply, SmsSendStatus expected)
    {
        var result = KannelSmsGateway.Classify(status, reply, "+15550100008");
        Assert.Equal(expected, result.Status);
        Assert.DoesNotContain("15550100008", result.Detail ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("msg=m1&customer=c1&status=1&ts=1795448333", SmsDeliveryState.Delivered)]
    [InlineData("msg=m1&customer=c1&status=2&ts=1795448333", SmsDeliveryState.Failed)]
    [InlineData("msg=m1&customer=c1&status=4&ts=1795448333", SmsDeliveryState.Queued)]
    [InlineData("msg=m1&customer=c1&status=8&ts=1795448333", SmsDeliveryState.Sent)]
    [InlineData("msg=m1&customer=c1&status=16&ts=1795448333", SmsDeliveryState.Failed)]
    [InlineData("msg=m1&customer=c1&status=3&ts=1795448333", null)]
    [InlineData("msg=m1&customer=c1&status=%d&ts=%T", null)]
    [InlineData("customer=c1&status=1&ts=1795448333", null)]
    [InlineData("msg=m1&msg=m2&customer=c1&status=1&ts=1795448333", null)]
    [InlineData("msg=&customer=c1&status=1&ts=1795448333", null)]
    [InlineData("msg=m1&customer=c1&status=1", null)]
    [InlineData("msg=m1&customer=c1&status=1&ts=yesterday", null)]
    public void Kannel_delivery_reports_parse_or_are_refused(string query, SmsDeliveryState? expected)
    {
        var parsed = KannelDeliveryReport.TryParse(Query(query), out var report);
        Assert.Equal(expected is not null, parsed);
        if (expected is not null)
        {
            Assert.Equal(("m1", "c1", expected.Value), (report!.MessageId, report.CustomerId, report.State));
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795448333), report.At);
        }
    }

    [Theory]
    [InlineData("from=%2B15550100009&to=12345&text=STOP&id=edcb4d66-30b0-4a22-97b9-c7997443480c&ts=1795448339&charset=UTF-8", true)]
    [InlineData("from=%2B15550100009&text=STOP&id=edcb4d66-30b0-4a22-97b9-c7997443480c&ts=2026-11-23+15:38:59", true)]
    [InlineData("from=%2B15550100009&to=12345&text=&id=edcb4d66-30b0-4a22-97b9-c7997443480c&ts=1795448339", true)]
    [InlineData("from=%2B15550100009&to=12345&text=STOP&id=edcb4d66&ts=1795448339&charset=UTF-16BE", false)]
    [InlineData("from=&to=12345&text=STOP&id=edcb4d66&ts=1795448339", false)]
    [InlineData("from=%2B1555+0100&to=12345&text=STOP&id=edcb4d66&ts=1795448339", false)]
    [InlineData("from=%2B15550100009&to=12345&id=edcb4d66&ts=1795448339", false)]
    [InlineData("from=%2B15550100009&to=12345&text=STOP&id=%25I&ts=1795448339", false)]
    [InlineData("from=%2B15550100009&to=12345&text=STOP&id=edcb4d66&ts=%25T", false)]
    public void Kannel_inbound_messages_parse_or_are_refused(string query, bool valid)
    {
        Assert.Equal(valid, KannelInboundMessage.TryParse(Query(query), out var message));
        if (valid)
        {
            Assert.Equal("+15550100009", message!.From);
            Assert.Equal(new DateTimeOffset(2026, 11, 23, 15, 38, 59, TimeSpan.Zero), message.ReceivedAt);
        }
    }

    [Fact]
    public void Twilio_signatures_match_the_documented_example()
    {
        var form = new Dictionary<string, StringValues>
        {
            ["CallSid"] = "CA1234567890ABCDE",
            ["Caller"] = "+12349013030",
            ["Digits"] = "1234",
            ["From"] = "+12349013030",
            ["To"] = "+18005551212",
        };
        Assert.Equal("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", TwilioRequestSignature.Compute("https://mycompany.com/myapp.php?foo=1&bar=2", form, "12345"));
    }

    [Theory]
    [InlineData("queued", SmsDeliveryState.Queued)]
    [InlineData("sending", SmsDeliveryState.Queued)]
    [InlineData("sent", SmsDeliveryState.Sent)]
    [InlineData("delivered", SmsDeliveryState.Delivered)]
    [InlineData("undelivered", SmsDeliveryState.Failed)]
    [InlineData("failed", SmsDeliveryState.Failed)]
    [InlineData("received", null)]
    public void Twilio_statuses_map_to_delivery_states(string status, SmsDeliveryState? expected)
    {
        var form = new FormCollection(new Dictionary<string, StringValues>
        {
            ["MessageSid"] = "SM" + new string('0', 32),
            ["MessageStatus"] = status,
        });
        var parsed = TwilioStatusCallback.TryParse(form, Query("msg=m1&customer=c1"), DateTimeOffset.UtcNow, out var callback);
        Assert.Equal(expected is not null, parsed);
        Assert.Equal(expected, callback?.State);
    }

    [Fact]
    public async Task A_kannel_configuration_without_credentials_is_refused_and_secrets_never_print()
    {
        await using var services = Services(new Dictionary<string, string?> { ["Sms:Gateway:Provider"] = "kannel" });
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<ISmsGateway>());
        Assert.Contains("Username and Password", error.Message, StringComparison.Ordinal);

        var options = new SmsGatewayOptions();
        options.Kannel.Password = "kannel-secret";
        options.Twilio.AuthToken = "twilio-secret";
        Assert.DoesNotContain("secret", options.ToString(), StringComparison.Ordinal);
    }
}

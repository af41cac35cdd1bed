using Engine.Contracts;
using Engine.Domain.Sms;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Engine.Grains.Effects;
using Engine.Integration.Tests.Kannel;
using Engine.Integration.Tests.Processes;
using Engine.Silo.Sms;
using Engine.Silo.Sms.Callbacks;
using Engine.Silo.Sms.Gateways;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Engine.Integration.Tests;

/// <summary>
/// The SMS gateways against the real thing where there is one: Debian's Kannel with its
/// fake SMSC on loopback, a local stand-in for Twilio's Messages API, and the file sink.
/// Gateways are built as the silo builds them, through <see cref="SmsGatewayRegistration.AddSmsGateway"/>.
/// </summary>
public sealed class SmsGatewayTests
{
    private const string DlrPath = "/sms/kannel/dlr";
    private const string InboundPath = "/sms/kannel/inbound";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // ---------------------------------------------------------------- Kannel

    [Fact]
    public async Task Kannel_sends_a_gsm_text_and_reports_sent_then_delivered()
    {
        await using var callbacks = await CallbackRecorder.StartAsync();
        await using var kannel = await KannelRig.StartAsync(callbacks.BaseUrl + InboundPath);
        await using var services = Services(KannelSettings(kannel, callbacks));
        var gateway = services.GetRequiredService<ISmsGateway>();
        Assert.IsType<KannelSmsGateway>(gateway);

        // A customer id with characters that need escaping, and with hex escapes that would
        // be Kannel escapes (%C3 = %C + "3") if the gateway did not double them.
        var sms = new OutgoingSms("out-" + Guid.NewGuid().ToString("N"), "cust/é 1&x=%d", "+15550100001", "Hi Ana: 20% off [today] {ok} €5", Unicode: false, Segments: 1);
        var result = await gateway.SendAsync(sms);
        Assert.True(result.Status == SmsSendStatus.Accepted, $"{result}\n{kannel.Diagnostics()}");

        var received = await Eventually.Until(() => Task.FromResult(kannel.ReceivedMessages), m => m.Count >= 1, Patience, "the fake SMSC to receive the message");
        var message = Assert.Single(received);
        Assert.Equal(("EngineTest", sms.To, sms.Text, "text"), (message.From, message.To, message.Text, message.Coding));

        var reports = await Eventually.Until(
            () => Task.FromResult(callbacks.RequestsTo(DlrPath).ToList()), r => r.Count >= 2, Patience, "two delivery reports");
        var parsed = reports.Select(r => KannelDeliveryReport.TryParse(r.Query, out var report) ? report : throw new Xunit.Sdk.XunitException($"unparsable DLR {r.RawQuery}")).ToList();
        Assert.All(parsed, r => Assert.Equal((sms.MessageId, sms.CustomerId), (r.MessageId, r.CustomerId)));
        Assert.All(parsed, r => Assert.InRange(r.At, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1)));
        // Kannel sends 8 (SMSC ack) then 1 (delivered); its HTTP calls may overtake each
        // other, so the engine must not depend on the order, and neither does this test.
        Assert.Equal(new[] { 8, 1 }, parsed.Select(r => r.KannelStatus).OrderDescending());
        Assert.Equal(new[] { SmsDeliveryState.Sent, SmsDeliveryState.Delivered }, parsed.OrderByDescending(r => r.KannelStatus).Select(r => r.State));
    }

    [Fact]
    public async Task Kannel_carries_a_ucs2_text_with_an_emoji_intact()
    {
        await using var callbacks = await CallbackRecorder.StartAsync();
        await using var kannel = await KannelRig.StartAsync(callbacks.BaseUrl + InboundPath);
        await using var services = Services(KannelSettings(kannel, callbacks));
        var gateway = services.GetRequiredService<ISmsGateway>();

        var sms = new OutgoingSms("out-" + Guid.NewGuid().ToString("N"), "cust-ucs2", "+15550100002", "Olá Zoë 😀 — ваш купон ✓", Unicode: true, Segments: 1);
        var result = await gateway.SendAsync(sms);
        Assert.True(result.Status == SmsSendStatus.Accepted, $"{result}\n{kannel.Diagnostics()}");

        var received = await Eventually.Until(() => Task.FromResult(kannel.ReceivedMessages), m => m.Count >= 1, Patience, "the fake SMSC to receive the message");
        var message = Assert.Single(received);
        Assert.Equal("ucs-2", message.Coding);
        Assert.Equal(sms.Text, message.Text);
    }

    [Fact]
    public async Task An_inbound_STOP_reaches_the_get_url_and_parses()
    {
        await using var callbacks = await CallbackRecorder.StartAsync();
        await using var kannel = await KannelRig.StartAsync(callbacks.BaseUrl + InboundPath);

        await kannel.InjectInboundAsync("+15550100003", "12345", "STOP please");
        var first = await Eventually.Until(
            () => Task.FromResult(callbacks.RequestsTo(InboundPath).ToList()), r => r.Count >= 1, Patience, "the inbound message at the get-url");
        Assert.True(KannelInboundMessage.TryParse(first[0].Query, out var stop), $"unparsable inbound {first[0].RawQuery}");
        Assert.Equal(("+15550100003", "12345", "STOP please"), (stop.From, stop.To, stop.Text));
        Assert.True(Guid.TryParse(stop.GatewayMessageId, out _), stop.GatewayMessageId);
        Assert.InRange(stop.ReceivedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        // A UCS-2 reply arrives as UTF-8 (smsbox mo-recode), with an id of its own.
        await kannel.InjectInboundAsync("+15550100003", "12345", "Arrêt 😀");
        var both = await Eventually.Until(
            () => Task.FromResult(callbacks.RequestsTo(InboundPath).ToList()), r => r.Count >= 2, Patience, "the second inbound message");
        Assert.True(KannelInboundMessage.TryParse(both[1].Query, out var unicode), $"unparsable inbound {both[1].RawQuery}");
        Assert.Equal("Arrêt 😀", unicode.Text);
        Assert.NotEqual(stop.GatewayMessageId, unicode.GatewayMessageId);
        // omit-empty / max-messages = 0: nothing goes back to the handset.
        Assert.Empty(kannel.ReceivedMessages);
    }

    [Fact]
    public async Task Kannel_down_is_a_transient_failure_and_up_again_is_accepted()
    {
        await using var callbacks = await CallbackRecorder.StartAsync();
        await using var kannel = await KannelRig.StartAsync(callbacks.BaseUrl + InboundPath);
        var timeout = TimeSpan.FromSeconds(3);
        await using var services = Services(KannelSettings(kannel, callbacks, timeout: timeout));
        var gateway = services.GetRequiredService<ISmsGateway>();

        await kannel.StopAsync();
        var sms = new OutgoingSms("out-" + Guid.NewGuid().ToString("N"), "cust-outage", "+15550100004", "Back soon", Unicode: false, Segments: 1);
        var watch = Stopwatch.StartNew();
        var down = await gateway.SendAsync(sms);
        Assert.Equal(SmsSendStatus.TransientFailure, down.Status);
        Assert.True(watch.Elapsed < timeout + TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.DoesNotContain(kannel.Password, down.Detail ?? "");

        await kannel.StartAsync();
        var up = await gateway.SendAsync(sms);
        Assert.True(up.Status == SmsSendStatus.Accepted, $"{up}\n{kannel.Diagnostics()}");
        var received = await Eventually.Until(() => Task.FromResult(kannel.ReceivedMessages), m => m.Count >= 1, Patience, "the message after the restart");
        Assert.Equal(sms.Text, Assert.Single(received).Text);
    }

    [Fact]
    public async Task A_wrong_kannel_password_is_rejected_and_never_logged()
    {
        await using var callbacks = await CallbackRecorder.StartAsync();
        await using var kannel = await KannelRig.StartAsync(callbacks.BaseUrl + InboundPath);
        var logs = new LogCapture();
        await using var services = Services(KannelSettings(kannel, callbacks, password: "not-the-password"), logs);
        var gateway = services.GetRequiredService<ISmsGateway>();

        var sms = new OutgoingSms("out-" + Guid.NewGuid().ToString("N"), "cust-auth", "+15550100005", "Hello", Unicode: false, Segments: 1);
        var result = await gateway.SendAsync(sms);

        Assert.Equal(SmsSendStatus.Rejected, result.Status);
        Assert.Contains("403", result.Detail, StringComparison.Ordinal);
        Assert.NotEmpty(logs.Lines);
        Assert.All(logs.Lines, line => Assert.DoesNotContain("not-the-password", line, StringComparison.Ordinal));
        Assert.All(logs.Lines, line => Assert.DoesNotContain("15550100005", line, StringComparison.Ordinal));
        Assert.Empty(kannel.ReceivedMessages);
    }

    [Fact]
    public async Task The_deploy_template_renders_into_a_configuration_kannel_runs()
    {
        KannelRig.RequireInstalled();
        await using var callbacks = await CallbackRecorder.StartAsync();
        var directory = Directory.CreateTempSubdirectory("engine-kannel-template-").FullName;
        try
        {
            var sendSmsPort = FreePorts.Next();
            var adminPort = FreePorts.Next();
            var variables = new Dictionary<string, string>
            {
                ["KANNEL_ADMIN_PORT"] = adminPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["KANNEL_ADMIN_PASSWORD"] = "admin-secret",
                ["KANNEL_STATUS_PASSWORD"] = "status-secret",
                ["KANNEL_SMSBOX_PORT"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["KANNEL_SENDSMS_PORT"] = sendSmsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["KANNEL_LOG_DIR"] = directory,
                ["KANNEL_SPOOL_DIR"] = Directory.CreateDirectory(Path.Combine(directory, "spool")).FullName,
                // An operator that is not there: bearerbox keeps trying, messages wait in the store.
                ["SMSC_HOST"] = "127.0.0.1",
                ["SMSC_PORT"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["SMSC_USERNAME"] = "smpp-user",
                ["SMSC_PASSWORD"] = "smpp-secret",
                ["KANNEL_SENDSMS_USER"] = "engine",
                ["KANNEL_SENDSMS_PASSWORD"] = "sendsms-secret",
                ["ENGINE_ALLOW_IP"] = "127.0.0.1",
                ["ENGINE_INBOUND_URL"] = callbacks.BaseUrl + InboundPath,
            };
            var template = await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Root, "deploy", "kannel", "kannel.conf.template"));
            var config = variables.Aggregate(template, (text, variable) => text.Replace("${" + variable.Key + "}", variable.Value, StringComparison.Ordinal));
            Assert.DoesNotContain("${", config, StringComparison.Ordinal);
            var configPath = Path.Combine(directory, "kannel.conf");
            await File.WriteAllTextAsync(configPath, config);

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await using var bearerbox = KannelProcess.Start("bearerbox", KannelRig.Bearerbox, ["-v", "1", configPath], directory);
            await Eventually.Until(async () =>
            {
                Assert.False(bearerbox.HasExited, $"bearerbox exited:\n{bearerbox.Output}");
                return KannelRig.IsRunning(await KannelRig.StatusAsync(http, adminPort, "status-secret"));
            }, running => running, Patience, "bearerbox from the rendered template to run");
            await using var smsbox = KannelProcess.Start("smsbox", KannelRig.Smsbox, ["-v", "1", configPath], directory);
            var sendUrl = $"http://127.0.0.1:{sendSmsPort}/cgi-bin/sendsms";
            await Eventually.Until(async () =>
            {
                Assert.False(smsbox.HasExited, $"smsbox exited:\n{smsbox.Output}");
                return await KannelRig.AnswersAsync(http, sendUrl);
            }, up => up, Patience, "smsbox from the rendered template to answer");

            await using var services = Services(new Dictionary<string, string?>
            {
                ["Sms:Gateway:Provider"] = "kannel",
                ["Sms:Gateway:From"] = "EngineTest",
                ["Sms:Gateway:Kannel:SendUrl"] = sendUrl,
                ["Sms:Gateway:Kannel:Username"] = "engine",
                ["Sms:Gateway:Kannel:Password"] = "sendsms-secret",
                ["Sms:Gateway:Kannel:DlrUrl"] = callbacks.BaseUrl + DlrPath,
            });
            var sms = new OutgoingSms("out-" + Guid.NewGuid().ToString("N"), "cust-template", "+15550100006", "Hello", Unicode: false, Segments: 1);
            var result = await services.GetRequiredService<ISmsGateway>().SendAsync(sms);
            // No SMSC is connected, so Kannel keeps the message for later.
            Assert.True(result.Status == SmsSendStatus.Queued, $"{result}\n{bearerbox.Output}\n{smsbox.Output}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_gateway_that_never_answers_gives_an_unknown_outcome_after_the_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // accepts connections (backlog) and never answers
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var services = Services(new Dictionary<string, string?>
        {
            ["Sms:Gateway:Provider"] = "kannel",
            ["Sms:Gateway:Kannel:SendUrl"] = $"http://127.0.0.1:{port}/cgi-bin/sendsms",
            ["Sms:Gateway:Kannel:Username"] = "engine",
            ["Sms:Gateway:Kannel:Password"] = "secret",
            ["Sms:Gateway:Kannel:DlrMask"] = "0",
            ["Sms:Gateway:Kannel:Timeout"] = "00:00:00.500",
        });
        var gateway = services.GetRequiredService<ISmsGateway>();
        var sms = new OutgoingSms("out-hung", "cust-hung", "+15550100007", "Hello", Unicode: false, Segments: 1);

        var watch = Stopwatch.StartNew();
        var result = await gateway.SendAsync(sms);
        // The request went out; whether it was taken is unknown, so it must not be retried.
        Assert.Equal(SmsSendStatus.OutcomeUnknown, result.Status);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));

        // The caller's own cancellation is not an answer: it propagates.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gateway.SendAsync(sms, cancel.Token));
    }

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

    // ---------------------------------------------------------------- Twilio

    [Fact]
    public async Task Twilio_accepts_with_its_sid_and_gets_the_callback_with_our_ids()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        await using var services = Services(TwilioSettings(twilio));
        var gateway = services.GetRequiredService<ISmsGateway>();
        Assert.IsType<TwilioSmsGateway>(gateway);

        var sms = new OutgoingSms("out-" + Guid.NewGuid().ToString("N"), "cust/tw 1", "+15550100010", "Hi Ana 😀", Unicode: true, Segments: 1);
        var result = await gateway.SendAsync(sms);

        Assert.Equal(SmsSendStatus.Accepted, result.Status);
        Assert.StartsWith("SM", result.GatewayMessageId, StringComparison.Ordinal);
        var request = Assert.Single(twilio.Requests);
        Assert.Equal((sms.To, "+15550009999", sms.Text), (request["To"].ToString(), request["From"].ToString(), request["Body"].ToString()));
        Assert.False(request.ContainsKey("MessagingServiceSid"));

        // Twilio later posts status changes to that callback; what arrives there parses back to our ids.
        var callback = new Uri(request["StatusCallback"].ToString());
        Assert.Equal("https://engine.example.com/sms/twilio/status", callback.GetLeftPart(UriPartial.Path));
        var form = new FormCollection(new Dictionary<string, StringValues>
        {
            ["MessageSid"] = result.GatewayMessageId,
            ["MessageStatus"] = "undelivered",
            ["ErrorCode"] = "30003",
            ["AccountSid"] = FakeTwilio.AccountSid,
        });
        var at = DateTimeOffset.UtcNow;
        Assert.True(TwilioStatusCallback.TryParse(form, Query(callback.Query.TrimStart('?')), at, out var status));
        Assert.Equal((sms.MessageId, sms.CustomerId, result.GatewayMessageId, SmsDeliveryState.Failed, "30003", at),
            (status.MessageId, status.CustomerId, status.MessageSid, status.State, status.ErrorCode, status.At));

        // And it is signed with the auth token over exactly that URL.
        var signature = TwilioRequestSignature.Compute(callback.AbsoluteUri, form, FakeTwilio.AuthToken);
        Assert.True(TwilioRequestSignature.IsValid(callback.AbsoluteUri, form, signature, FakeTwilio.AuthToken));
        Assert.False(TwilioRequestSignature.IsValid(callback.AbsoluteUri, form, signature, "another-token"));
        form = new FormCollection(new Dictionary<string, StringValues>(form) { ["MessageStatus"] = "delivered" });
        Assert.False(TwilioRequestSignature.IsValid(callback.AbsoluteUri, form, signature, FakeTwilio.AuthToken));
    }

    [Fact]
    public async Task Twilio_through_a_messaging_service_sends_its_sid_instead_of_from()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        var settings = TwilioSettings(twilio);
        settings["Sms:Gateway:Twilio:MessagingServiceSid"] = "MG" + new string('a', 32);
        await using var services = Services(settings);

        var result = await services.GetRequiredService<ISmsGateway>().SendAsync(Sms("+15550100011"));

        Assert.Equal(SmsSendStatus.Accepted, result.Status);
        var request = Assert.Single(twilio.Requests);
        Assert.Equal("MG" + new string('a', 32), request["MessagingServiceSid"].ToString());
        Assert.False(request.ContainsKey("From"));
    }

    [Theory]
    [InlineData(FakeTwilio.TooManyRequests, SmsSendStatus.TransientFailure, "20429")]
    [InlineData(FakeTwilio.ServerError, SmsSendStatus.TransientFailure, "500")]
    [InlineData(FakeTwilio.InvalidNumber, SmsSendStatus.Rejected, "21211")]
    public async Task Twilio_errors_are_classified_and_keep_the_number_out(string to, SmsSendStatus expected, string inDetail)
    {
        await using var twilio = await FakeTwilio.StartAsync();
        await using var services = Services(TwilioSettings(twilio));

        var result = await services.GetRequiredService<ISmsGateway>().SendAsync(Sms(to));

        Assert.Equal(expected, result.Status);
        Assert.Contains(inDetail, result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(to.TrimStart('+'), result.Detail ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Twilio_with_a_wrong_token_is_rejected()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        var settings = TwilioSettings(twilio);
        settings["Sms:Gateway:Twilio:AuthToken"] = "wrong";
        await using var services = Services(settings);

        var result = await services.GetRequiredService<ISmsGateway>().SendAsync(Sms("+15550100012"));

        Assert.Equal(SmsSendStatus.Rejected, result.Status);
        Assert.Contains("20003", result.Detail, StringComparison.Ordinal);
        Assert.Empty(twilio.Requests);
    }

    [Fact]
    public async Task Twilio_unreachable_is_a_transient_failure()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sms:Gateway:Provider"] = "twilio",
            ["Sms:Gateway:From"] = "+15550009999",
            ["Sms:Gateway:Twilio:BaseUrl"] = $"http://127.0.0.1:{FreePorts.Next()}",
            ["Sms:Gateway:Twilio:AccountSid"] = FakeTwilio.AccountSid,
            ["Sms:Gateway:Twilio:AuthToken"] = FakeTwilio.AuthToken,
        };
        await using var services = Services(settings);

        var result = await services.GetRequiredService<ISmsGateway>().SendAsync(Sms("+15550100013"));

        Assert.Equal(SmsSendStatus.TransientFailure, result.Status);
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

    // ---------------------------------------------------------------- file sink

    [Fact]
    public async Task The_file_sink_writes_one_json_line_per_message_from_many_callers()
    {
        var directory = Directory.CreateTempSubdirectory("engine-sms-file-").FullName;
        try
        {
            var path = Path.Combine(directory, "out", "sms-outbox.jsonl");
            var services = Services(new Dictionary<string, string?> { ["Sms:Gateway:File:Path"] = path });
            var gateway = services.GetRequiredService<ISmsGateway>();
            Assert.IsType<FileSmsGateway>(gateway);

            var messages = Enumerable.Range(0, 50)
                .Select(i => new OutgoingSms($"out-{i}", $"cust-{i % 7}", $"+1555010{i:D4}", $"Hello \"{i}\" 😀\nline two", Unicode: true, Segments: 2))
                .ToList();
            var results = await Task.WhenAll(messages.Select(m => Task.Run(() => gateway.SendAsync(m))));
            await services.DisposeAsync();

            Assert.All(results.Zip(messages), pair => Assert.Equal(new SmsSendResult(SmsSendStatus.Accepted, "file-" + pair.Second.MessageId), pair.First));
            var lines = await File.ReadAllLinesAsync(path);
            Assert.Equal(50, lines.Length);
            var written = lines.Select(line => JsonDocument.Parse(line).RootElement).ToDictionary(e => e.GetProperty("messageId").GetString()!);
            foreach (var sms in messages)
            {
                var line = written[sms.MessageId];
                Assert.Equal(sms.CustomerId, line.GetProperty("customerId").GetString());
                Assert.Equal(sms.To, line.GetProperty("to").GetString());
                Assert.Equal(sms.Text, line.GetProperty("text").GetString());
                Assert.Equal(2, line.GetProperty("segments").GetInt32());
                Assert.True(line.GetProperty("unicode").GetBoolean());
                Assert.InRange(line.GetProperty("at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // ---------------------------------------------------------------- options

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

    // ---------------------------------------------------------------- helpers

    private static ServiceProvider Services(IDictionary<string, string?> settings, LogCapture? logs = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                logging.AddProvider(logs);
            }
        });
        services.AddSmsGateway(configuration);
        return services.BuildServiceProvider();
    }

    private static Dictionary<string, string?> KannelSettings(KannelRig kannel, CallbackRecorder callbacks, string? password = null, TimeSpan? timeout = null) => new()
    {
        ["Sms:Gateway:Provider"] = "kannel",
        ["Sms:Gateway:From"] = "EngineTest",
        ["Sms:Gateway:Kannel:SendUrl"] = kannel.SendSmsUrl,
        ["Sms:Gateway:Kannel:Username"] = KannelRig.Username,
        ["Sms:Gateway:Kannel:Password"] = password ?? kannel.Password,
        ["Sms:Gateway:Kannel:DlrUrl"] = callbacks.BaseUrl + DlrPath,
        ["Sms:Gateway:Kannel:Timeout"] = (timeout ?? TimeSpan.FromSeconds(5)).ToString("c"),
    };

    private static Dictionary<string, string?> TwilioSettings(FakeTwilio twilio) => new()
    {
        ["Sms:Gateway:Provider"] = "twilio",
        ["Sms:Gateway:From"] = "+15550009999",
        ["Sms:Gateway:Twilio:BaseUrl"] = twilio.BaseUrl,
        ["Sms:Gateway:Twilio:AccountSid"] = FakeTwilio.AccountSid,
        ["Sms:Gateway:Twilio:AuthToken"] = FakeTwilio.AuthToken,
        ["Sms:Gateway:Twilio:StatusCallbackUrl"] = "https://engine.example.com/sms/twilio/status",
    };

    private static OutgoingSms Sms(string to) =>
        new("out-" + Guid.NewGuid().ToString("N"), "cust-" + to.TrimStart('+'), to, "Hello", Unicode: false, Segments: 1);

    private static QueryCollection Query(string query) => new(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query));

    /// <summary>Everything logged, formatted, to check what never appears in logs.</summary>
    private sealed class LogCapture : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}

/// <summary>
/// A stand-in for Twilio's Messages API on loopback: checks Basic auth and the form, answers
/// 201 with a message resource, or Twilio's error bodies for a few reserved numbers.
/// </summary>
internal sealed class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "fake-auth-token";
    public const string TooManyRequests = "+15550000429";
    public const string ServerError = "+15550000500";
    public const string InvalidNumber = "+15550000400";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<IFormCollection> _requests = new();

    private FakeTwilio(WebApplication app)
    {
        _app = app;
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>The forms of the requests that passed authentication.</summary>
    public IReadOnlyList<IFormCollection> Requests => [.. _requests];

    public static async Task<FakeTwilio> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeTwilio(app);
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", async (string account, HttpRequest request) =>
        {
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
            if (account != AccountSid || request.Headers.Authorization != expected)
            {
                return Error(401, 20003, "Authenticate");
            }

            var form = await request.ReadFormAsync();
            fake._requests.Enqueue(new FormCollection(form.ToDictionary(f => f.Key, f => f.Value)));
            var to = form["To"].ToString();
            if (to.Length == 0 || form["Body"].ToString().Length == 0 || (form["From"].Count == 0 == (form["MessagingServiceSid"].Count == 0)))
            {
                return Error(400, 21604, "A 'To' phone number, a Body and exactly one of From or MessagingServiceSid are required.");
            }

            return to switch
            {
                TooManyRequests => Error(429, 20429, "Too Many Requests"),
                ServerError => Results.Text("upstream trouble", statusCode: 500),
                InvalidNumber => Error(400, 21211, $"The 'To' number {to} is not a valid phone number."),
                _ => Results.Json(
                    new { sid = "SM" + Guid.NewGuid().ToString("N"), status = "queued", to, body = form["Body"].ToString(), num_segments = "1" },
                    statusCode: 201),
            };
        });
        await app.StartAsync();
        fake.BaseUrl = app.Urls.Single().TrimEnd('/');
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static IResult Error(int status, int code, string message) =>
        Results.Json(new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status }, statusCode: status);
}

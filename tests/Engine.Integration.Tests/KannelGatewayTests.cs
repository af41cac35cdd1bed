using Engine.Domain.Sms;
using System.Collections.Concurrent;
using System.Diagnostics;
using Engine.Contracts;
using Engine.Grains.Effects;
using Engine.Integration.Tests.Kannel;
using Engine.Silo.Sms.Callbacks;
using Engine.Silo.Sms.Gateways;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Engine.Integration.Tests.SmsGatewayServices;

namespace Engine.Integration.Tests;

/// <summary>
/// The Kannel gateway against the real thing: Debian's bearerbox and smsbox with their fake
/// SMSC on loopback, started for each test.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class KannelGatewayTests
{
    private const string DlrPath = "/sms/kannel/dlr";
    private const string InboundPath = "/sms/kannel/inbound";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

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
                ["ENGINE_CALLBACK_TOKEN"] = "template-callback-token-0123",
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

using Engine.Domain.Sms;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Engine.Contracts;
using Engine.Grains.Effects;
using Engine.Silo.Sms.Callbacks;
using Engine.Silo.Sms.Gateways;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using static Engine.Integration.Tests.SmsGatewayServices;

namespace Engine.Integration.Tests;

/// <summary>
/// The gateways over loopback in this process: a local stand-in for Twilio's Messages API, a
/// gateway that never answers, and the file sink.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SmsGatewayLoopbackTests
{
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

    [Fact]
    public async Task A_gateway_host_that_drops_connection_attempts_is_not_reached_and_the_send_is_retried()
    {
        // A listener whose accept queue is full and never accepted: Linux then drops further SYNs,
        // as a host behind a dropping firewall does, so the connect hangs instead of being refused.
        using var full = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        full.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        full.Listen(0);
        var port = ((IPEndPoint)full.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
                try
                {
                    filler.Connect(IPAddress.Loopback, port);
                }
                catch (SocketException)
                {
                    // In progress (or dropped): either way it takes a place in the queue or shows it full.
                }

                fillers.Add(filler);
            }

            await using var services = Services(new Dictionary<string, string?>
            {
                ["Sms:Gateway:Provider"] = "kannel",
                ["Sms:Gateway:Kannel:SendUrl"] = $"http://127.0.0.1:{port}/cgi-bin/sendsms",
                ["Sms:Gateway:Kannel:Username"] = "engine",
                ["Sms:Gateway:Kannel:Password"] = "secret",
                ["Sms:Gateway:Kannel:DlrMask"] = "0",
                ["Sms:Gateway:Kannel:ConnectTimeout"] = "00:00:00.300",
                ["Sms:Gateway:Kannel:Timeout"] = "00:00:05",
            });
            var gateway = services.GetRequiredService<ISmsGateway>();

            var watch = Stopwatch.StartNew();
            var result = await gateway.SendAsync(new OutgoingSms("out-dropped", "cust-dropped", "+15550100008", "Hello", Unicode: false, Segments: 1));

            // It provably never left: retried later, not left unknown; and well before the response timeout.
            Assert.Equal(SmsSendStatus.TransientFailure, result.Status);
            Assert.StartsWith("not reached", result.Detail, StringComparison.Ordinal);
            Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(4));
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }

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
}

using System.Collections.Concurrent;
using System.Net;
using Engine.Grains;
using Engine.Silo.Metrics;
using Engine.Silo.Sms;
using Engine.Silo.Sms.Callbacks;
using Engine.Silo.Storage.GrainState;
using Engine.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Engine.Silo.Tests.Sms;

/// <summary>
/// The callback routes through ASP.NET Core's real pipeline on a loopback port: forged
/// callbacks get 403, are counted, reach no grain and leave neither token nor number in the
/// logs; Kannel's own (with the token) are handled.
/// </summary>
[Trait("Category", "Integration")]
public sealed class KannelCallbackHttpTests
{
    private const string Token = "kannel-callback-token-0123";
    private const string Phone = "+15550100009";
    private const string Inbound = $"/sms/kannel/inbound?from=%2B15550100009&to=12345&text=START&id=5b1c0e7e-1111-4222-8333-944455556666&ts=1764700000&charset=UTF-8";
    private const string Dlr = "/sms/kannel/dlr?msg=out-1&customer=cust-1&status=1&ts=1764700000";

    [Theory]
    [InlineData(Inbound, "kannel-inbound", "no-token")]
    [InlineData(Inbound + "&token=forged-token-value-000", "kannel-inbound", "wrong-token")]
    [InlineData(Dlr, "kannel-dlr", "no-token")]
    [InlineData(Dlr + "&token=forged-token-value-000", "kannel-dlr", "wrong-token")]
    public async Task A_forged_callback_gets_403_is_counted_and_reaches_no_grain(string pathAndQuery, string route, string reason)
    {
        await using var engine = await Engine.StartAsync();

        using var response = await engine.Http.GetAsync(pathAndQuery);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(engine.GrainCalls);
        Assert.Contains($"engine_sms_callbacks_refused_total{{route=\"{route}\",reason=\"{reason}\"}} 1", await engine.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);
        var refusal = Assert.Single(engine.Logs, line => line.Contains("Refused", StringComparison.Ordinal));
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
        Assert.All(engine.Logs, line => Assert.DoesNotContain("forged-token-value", line, StringComparison.Ordinal));
        Assert.All(engine.Logs, line => Assert.DoesNotContain("15550100009", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_caller_outside_the_allowed_sources_gets_403_even_with_the_token()
    {
        await using var engine = await Engine.StartAsync(("Sms:Callbacks:AllowedSources:0", "10.9.9.0/24"));

        using var response = await engine.Http.GetAsync($"{Inbound}&token={Token}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(engine.GrainCalls);
        Assert.Contains("engine_sms_callbacks_refused_total{route=\"kannel-inbound\",reason=\"source\"} 1", await engine.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kannels_inbound_with_the_token_from_an_allowed_source_is_handled()
    {
        await using var engine = await Engine.StartAsync(("Sms:Callbacks:AllowedSources:0", "127.0.0.1"));

        using var response = await engine.Http.GetAsync($"{Inbound}&token={Token}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The number records the message (nobody holds it here, so nothing more).
        Assert.Equal(["GetGrain", "ReceiveAsync"], engine.GrainCalls);
        Assert.DoesNotContain("engine_sms_callbacks_refused_total{", await engine.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_inbound_message_that_cannot_be_stored_gets_503_so_kannel_retries_and_the_log_masks_the_number()
    {
        await using var engine = await Engine.StartAsync(grainsFail: true);

        using var response = await engine.Http.GetAsync($"{Inbound}&token={Token}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Equal(["GetGrain", "ReceiveAsync"], engine.GrainCalls);
        Assert.Contains(engine.Logs, line => line.Contains("could not be stored", StringComparison.Ordinal));
        Assert.All(engine.Logs, line => Assert.DoesNotContain("15550100009", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kannels_delivery_report_with_the_token_is_handled()
    {
        await using var engine = await Engine.StartAsync();

        using var response = await engine.Http.GetAsync($"{Dlr}&token={Token}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["GetGrain", "RecordSmsDeliveryAsync"], engine.GrainCalls);
    }

    [Fact]
    public async Task The_twilio_status_route_answers_404_when_twilio_is_not_configured()
    {
        await using var engine = await Engine.StartAsync();

        using var response = await engine.Http.PostAsync("/sms/twilio/status", new FormUrlEncodedContent([new("MessageSid", "SM1"), new("MessageStatus", "delivered")]));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(engine.GrainCalls);
    }

    /// <summary>The callback routes and /metrics in a web host of their own, on a free loopback port.</summary>
    private sealed class Engine(WebApplication app, ConcurrentQueue<string> grainCalls, ConcurrentQueue<string> logs) : IAsyncDisposable
    {
        public HttpClient Http { get; } = new() { BaseAddress = new Uri(app.Urls.Single()) };

        public IReadOnlyList<string> GrainCalls => [.. grainCalls];

        public IReadOnlyList<string> Logs => [.. logs];

        public static Task<Engine> StartAsync(params (string Key, string Value)[] settings) => StartAsync(grainsFail: false, settings);

        public static async Task<Engine> StartAsync(bool grainsFail, params (string Key, string Value)[] settings)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{FreePorts.Next()}");
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Sms:Gateway:Provider"] = "kannel",
                ["Sms:Callbacks:Token"] = Token,
            });
            builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
            var logs = new ConcurrentQueue<string>();
            // As silo/appsettings.json has it: ASP.NET Core's request lines hold the whole query.
            builder.Logging.ClearProviders().AddProvider(new LogCapture(logs)).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            var (grains, calls) = RecordingGrainFactory.Create(grainsFail);
            builder.Services.AddSingleton(grains);
            builder.Services.AddKeyedSingleton(EngineTime.Key, TimeProvider.System);
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddOptions<SmsGatewayOptions>().Bind(builder.Configuration.GetSection(SmsGatewayOptions.SectionName));
            builder.Services.AddSmsCallbacks(builder.Configuration);
            builder.Services.AddSingleton<CustomerStateWrites>().AddSingleton<LoyaltyStatistics>().AddSingleton<SmsStatistics>().AddSingleton<GrainStateStatistics>().AddSingleton<EngineMetrics>();

            var app = builder.Build();
            app.MapMetrics("/metrics", app.Services.GetRequiredService<EngineMetrics>().Registry);
            app.MapSmsCallbacks();
            await app.StartAsync();
            return new Engine(app, calls, logs);
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await app.DisposeAsync();
        }
    }

    private sealed class LogCapture(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}

using System.Globalization;
using Engine.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Engine.Testing.Hosting;

/// <summary>
/// The whole silo in this process as Program.cs runs it, HTTP endpoints included (/metrics,
/// health), on free loopback ports; so a test can scrape it and still reach its services (to
/// stop the ingestion alone, say).
/// </summary>
public sealed class EngineWebSilo : IAsyncDisposable
{
    private EngineWebSilo(WebApplication app, int httpPort)
    {
        App = app;
        HttpPort = httpPort;
    }

    public WebApplication App { get; }

    public int HttpPort { get; }

    /// <summary>host:port, as a scraper names the target.</summary>
    public string HttpAddress => "127.0.0.1:" + HttpPort.ToString(CultureInfo.InvariantCulture);

    public IServiceProvider Services => App.Services;

    public static async Task<EngineWebSilo> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory });
        var httpPort = FreePorts.Next();
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Urls"] = "http://127.0.0.1:" + httpPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(all);
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddEngineSilo();
        var app = builder.Build();
        app.MapEngineEndpoints();
        await app.StartAsync();
        return new EngineWebSilo(app, httpPort);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

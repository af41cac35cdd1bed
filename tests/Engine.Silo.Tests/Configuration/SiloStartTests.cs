using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Engine.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Tests.Configuration;

/// <summary>A bad value stops the silo as Program.cs builds it, before Orleans or Kafka start.</summary>
[Trait("Category", "Unit")]
public sealed class SiloStartTests
{
    [Fact]
    public async Task A_zero_MaxEventsPerCall_stops_the_start_naming_the_key()
    {
        // Building the host may already read the options (the stop budget depends on them).
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            using var host = BuildSilo(("Ingestion:MaxEventsPerCall", "0"));
            await host.StartAsync();
        });

        Assert.Contains("Ingestion:MaxEventsPerCall must be positive, got 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kannel_without_a_callback_token_on_a_public_listener_stops_the_start_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            using var host = BuildSilo(
                ("Urls", "http://0.0.0.0:5080"),
                ("Sms:Gateway:Provider", "kannel"),
                ("Sms:Gateway:Kannel:Username", "engine"),
                ("Sms:Gateway:Kannel:Password", "secret"),
                ("Sms:Gateway:Kannel:DlrUrl", "http://10.0.0.5:5080/sms/kannel/dlr"));
            await host.StartAsync();
        });

        Assert.Contains("Sms:Callbacks:Token must be set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_certificate_that_is_not_there_stops_the_start_naming_the_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BuildSilo(("Orleans:Tls:CertificatePath", "/nonexistent/silo.pfx")).Dispose());

        Assert.Contains("Orleans:Tls:CertificatePath must name a readable file, got \"/nonexistent/silo.pfx\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Memory_storage_with_an_external_Kafka_cluster_is_refused_unless_allowed()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BuildSilo(("Storage:AllowMemoryWithExternalKafka", "false")).Dispose());

        Assert.Contains("Storage:AllowMemoryWithExternalKafka=true", error.Message, StringComparison.Ordinal);
    }

    private static IHost BuildSilo(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Were the check to let the silo start, it must not take the default ports or start a broker.
            ["Orleans:SiloPort"] = FreePort(),
            ["Orleans:GatewayPort"] = FreePort(),
            ["Kafka:BootstrapServers"] = "127.0.0.1:1",
            ["Storage:AllowMemoryWithExternalKafka"] = "true",
            ["Kafka:Consumer:log_level"] = "0",
            ["Kafka:Producer:log_level"] = "0",
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddEngineSilo();
        return builder.Build();
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}

using System.Globalization;
using Engine.Contracts;
using Engine.Silo.Cluster;
using Engine.Testing.Certificates;
using Engine.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace Engine.Integration.Tests.Cluster;

/// <summary>
/// A silo with certificates (Orleans:Tls, mutual TLS on its silo and gateway ports): clients
/// without a certificate, or with one from another authority, cannot connect; the admin client
/// and an Orleans client with the cluster's certificate can.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ClusterTlsTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RefusalWindow = TimeSpan.FromSeconds(10);
    private readonly ThrowawayAuthority _cluster = new("engine-cluster-ca");
    private readonly ThrowawayAuthority _stranger = new("stranger-ca");
    private readonly int _gatewayPort = FreePorts.Next();
    private IHost? _silo;

    public async Task InitializeAsync()
    {
        _silo = EngineSiloHost.Build(
            new Dictionary<string, string?>
            {
                ["Orleans:GatewayPort"] = _gatewayPort.ToString(CultureInfo.InvariantCulture),
                ["Orleans:Tls:CertificatePath"] = _cluster.Issue("silo"),
                ["Orleans:Tls:CertificatePassword"] = ThrowawayAuthority.Password,
                ["Orleans:Tls:TrustedCaPath"] = _cluster.CertificatePemPath,
                // Ingestion off and a bootstrap address given, so no embedded broker is started.
                ["Ingestion:Enabled"] = "false",
                ["Kafka:BootstrapServers"] = "127.0.0.1:1",
                ["Kafka:Producer:log_level"] = "0",
                ["Kafka:Consumer:log_level"] = "0",
            },
            new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory },
            logging => logging.SetMinimumLevel(LogLevel.Warning));
        await _silo.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.StopAsync();
            _silo.Dispose();
        }
    }

    public void Dispose()
    {
        _cluster.Dispose();
        _stranger.Dispose();
    }

    [Fact]
    public async Task An_orleans_client_without_a_certificate_cannot_connect()
    {
        using var client = Client(configure: null);

        // The silo drops the connection at the handshake and the client keeps trying: it must
        // still not be connected well after one with the certificate would be (under a second).
        await Assert.ThrowsAnyAsync<Exception>(() => client.StartAsync().WaitAsync(RefusalWindow));
    }

    [Fact]
    public async Task An_orleans_client_with_the_clusters_certificate_calls_a_grain()
    {
        var trust = new ClusterTrust(new ClusterTlsOptions
        {
            CertificatePath = _cluster.Issue("client"),
            CertificatePassword = ThrowawayAuthority.Password,
            TrustedCaPath = _cluster.CertificatePemPath,
        });
        using var client = Client(trust.RequireMutual);
        await client.StartAsync().WaitAsync(Patience);

        var view = await client.Services.GetRequiredService<IClusterClient>().GetGrain<ICustomerGrain>("tls-" + Guid.NewGuid().ToString("N")).GetViewAsync();

        Assert.NotNull(view);
        await client.StopAsync();
    }

    [Fact]
    public async Task The_admin_client_without_a_certificate_is_refused()
    {
        var run = await Admin();

        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}: {run.Output}\n{run.Error}");
        Assert.Contains("cannot reach the engine", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_client_with_a_certificate_from_another_authority_is_refused()
    {
        var run = await Admin("--tls-certificate", _stranger.Issue("admin"), "--tls-ca", _cluster.CertificatePemPath);

        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}: {run.Output}\n{run.Error}");
    }

    [Fact]
    public async Task The_admin_client_with_its_certificate_reads_a_customer()
    {
        var run = await Admin("--tls-certificate", _cluster.Issue("admin"), "--tls-ca", _cluster.CertificatePemPath);

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Output}\n{run.Error}");
        Assert.Contains("tls-admin", run.Output, StringComparison.Ordinal);
    }

    private Task<ToolRun.Result> Admin(params string[] tls) => ToolRun.RunAsync(
        "dotnet",
        [RepositoryLayout.ClientAssembly, "customer", "show", "tls-admin", "--json", "--gateway-port", _gatewayPort.ToString(CultureInfo.InvariantCulture), .. tls],
        environment: new Dictionary<string, string> { ["Orleans__Tls__CertificatePassword"] = ThrowawayAuthority.Password });

    private IHost Client(Action<TlsOptions>? configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering(_gatewayPort, "engagement-engine", "engagement-dev");
            if (configure is not null)
            {
                client.UseTls(configure);
            }
        });
        builder.Services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = Patience);
        return builder.Build();
    }
}

using Engine.Silo.Storage;

namespace Engine.Silo.Cluster;

/// <summary>
/// Says at start when the Orleans ports are reachable from other hosts without TLS: anyone who
/// reaches them can call every grain (apply events, send SMS, change consent, read numbers).
/// A warning, not a refusal: a private network may be the operator's chosen protection.
/// </summary>
internal sealed partial class ClusterExposureWarning(IConfiguration configuration, ILogger<ClusterExposureWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var tls = configuration.GetSection(ClusterTlsOptions.SectionName).Get<ClusterTlsOptions>() ?? new ClusterTlsOptions();
        if (!tls.Enabled && StorageOptions.From(configuration).Clustering == ClusteringProvider.Postgres)
        {
            var listening = configuration.GetValue<bool>("Orleans:ListenOnAnyHostAddress")
                ? "every interface"
                : configuration["Orleans:AdvertisedIPAddress"] is { Length: > 0 } advertised ? advertised : "this host's address";
            LogExposed(logger, listening);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Orleans silo and gateway ports listen on {Listening} without TLS: any host that reaches them can call every grain. Set Orleans:Tls:CertificatePath (docs/security.md)")]
    private static partial void LogExposed(ILogger logger, string listening);
}

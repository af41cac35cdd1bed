using Orleans.Hosting;

namespace Engine.Silo.Cluster;

/// <summary>Turns on mutual TLS for the silo and gateway ports when "Orleans:Tls" names a certificate.</summary>
public static class ClusterTlsRegistration
{
    /// <summary>
    /// Reads and checks <see cref="ClusterTlsOptions"/> (a bad value or unreadable file stops the
    /// start, naming its key) and, when a certificate is configured, requires TLS with a trusted
    /// certificate on every silo-to-silo and gateway connection, inbound and outbound.
    /// </summary>
    public static ISiloBuilder AddClusterTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = configuration.GetSection(ClusterTlsOptions.SectionName).Get<ClusterTlsOptions>() ?? new ClusterTlsOptions();
        var problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }

        if (options.Enabled)
        {
            var trust = new ClusterTrust(options);
            silo.UseTls(trust.Certificate, trust.RequireMutual);
        }

        silo.Services.AddHostedService(sp => new ClusterExposureWarning(configuration, sp.GetRequiredService<ILogger<ClusterExposureWarning>>()));
        return silo;
    }
}

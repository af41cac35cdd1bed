using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using Engine.Silo.Cluster;
using Microsoft.Extensions.Configuration;

namespace Engine.Client.Commands;

/// <summary>
/// The options every command shares to find the cluster. Each falls back to the same
/// environment variable the silo reads (Orleans__GatewayPort, ...), then to the dev default.
/// The TLS certificate's password, key and trusted thumbprints come from the environment only
/// (Orleans__Tls__CertificatePassword, Orleans__Tls__KeyPath, Orleans__Tls__TrustedThumbprints__0),
/// so no secret sits on a command line.
/// </summary>
public sealed class EngineAddressOptions
{
    public const string GatewayPortVariable = "Orleans__GatewayPort";
    public const string ClusterIdVariable = "Orleans__ClusterId";
    public const string ServiceIdVariable = "Orleans__ServiceId";
    public const string GatewayHostVariable = "Orleans__GatewayHost";
    public const string CertificateVariable = "Orleans__Tls__CertificatePath";
    public const string TrustedCaVariable = "Orleans__Tls__TrustedCaPath";

    public Option<string> GatewayHost { get; } = new("--gateway-host")
    {
        Description = $"The gateway's IP address (env {GatewayHostVariable})",
        HelpName = "IP",
        Recursive = true,
        DefaultValueFactory = _ => FromEnvironment(GatewayHostVariable) ?? "127.0.0.1",
    };

    public Option<string?> Certificate { get; } = new("--tls-certificate")
    {
        Description = $"Certificate to present to a cluster with mutual TLS, .pfx or PEM (env {CertificateVariable})",
        HelpName = "PATH",
        Recursive = true,
        DefaultValueFactory = _ => FromEnvironment(CertificateVariable),
    };

    public Option<string?> TrustedCa { get; } = new("--tls-ca")
    {
        Description = $"PEM file of the CA that issued the silos' certificates (env {TrustedCaVariable})",
        HelpName = "PATH",
        Recursive = true,
        DefaultValueFactory = _ => FromEnvironment(TrustedCaVariable),
    };

    public Option<int> GatewayPort { get; } = new("--gateway-port")
    {
        Description = $"The silo's gateway port on localhost (env {GatewayPortVariable})",
        HelpName = "PORT",
        Recursive = true,
        DefaultValueFactory = PortFromEnvironment,
    };

    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = $"The Orleans cluster id (env {ClusterIdVariable})",
        HelpName = "ID",
        Recursive = true,
        DefaultValueFactory = _ => FromEnvironment(ClusterIdVariable) ?? "engagement-dev",
    };

    public Option<string> ServiceId { get; } = new("--service-id")
    {
        Description = $"The Orleans service id (env {ServiceIdVariable})",
        HelpName = "ID",
        Recursive = true,
        DefaultValueFactory = _ => FromEnvironment(ServiceIdVariable) ?? "engagement-engine",
    };

    public EngineAddressOptions()
    {
        GatewayPort.Validators.Add(result =>
        {
            // A port from the environment was checked when it was read.
            if (!result.Implicit && result.GetValueOrDefault<int>() is var port && !IsPort(port))
            {
                result.AddError($"--gateway-port must be between 1 and 65535, not {port}.");
            }
        });
        ClusterId.Validators.Add(RequireText);
        ServiceId.Validators.Add(RequireText);
        GatewayHost.Validators.Add(result =>
        {
            if (!IPAddress.TryParse(result.GetValueOrDefault<string>(), out _))
            {
                result.AddError($"--gateway-host must be an IP address, not '{result.GetValueOrDefault<string>()}'.");
            }
        });
    }

    public void AddTo(Command command)
    {
        command.Add(GatewayPort);
        command.Add(ClusterId);
        command.Add(ServiceId);
        command.Add(GatewayHost);
        command.Add(Certificate);
        command.Add(TrustedCa);
    }

    public EngineAddress Read(ParseResult parseResult) => new(
        parseResult.GetValue(GatewayPort),
        parseResult.GetRequiredValue(ClusterId),
        parseResult.GetRequiredValue(ServiceId),
        ReadTls(parseResult),
        IPAddress.Parse(parseResult.GetRequiredValue(GatewayHost)));

    /// <summary>Orleans:Tls from the environment (the silo's keys), with the flags over it.</summary>
    private ClusterTlsOptions ReadTls(ParseResult parseResult)
    {
        var tls = AdminSettings.Current.GetSection(ClusterTlsOptions.SectionName).Get<ClusterTlsOptions>() ?? new ClusterTlsOptions();
        tls.CertificatePath = parseResult.GetValue(Certificate) ?? "";
        tls.TrustedCaPath = parseResult.GetValue(TrustedCa) ?? "";
        return tls;
    }

    private static int PortFromEnvironment(ArgumentResult result)
    {
        if (FromEnvironment(GatewayPortVariable) is not { } text)
        {
            return 30000;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && IsPort(port))
        {
            return port;
        }

        result.AddError($"{GatewayPortVariable} is not a port number: '{text}'.");
        return 0;
    }

    private static bool IsPort(int value) => value is >= 1 and <= 65535;

    // The environment over the config file (AdminSettings); flags are read over this.
    private static string? FromEnvironment(string variable) => AdminSettings.Get(variable);

    private static void RequireText(OptionResult result)
    {
        if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
        {
            result.AddError($"{result.Option.Name} must not be empty.");
        }
    }
}

using System.Net;
using Engine.Silo.Cluster;

namespace Engine.Client;

/// <summary>
/// Where the engine's cluster is: a gateway (host and port) and the cluster's identity, and
/// the certificate to present when the cluster requires mutual TLS (<see cref="ClusterTlsOptions.Enabled"/>).
/// </summary>
public sealed record EngineAddress(int GatewayPort, string ClusterId, string ServiceId, ClusterTlsOptions? Tls = null, IPAddress? GatewayHost = null)
{
    /// <summary>The gateway's address; loopback unless told otherwise.</summary>
    public IPAddress Host => GatewayHost ?? IPAddress.Loopback;
}

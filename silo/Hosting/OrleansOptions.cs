namespace Engine.Silo.Hosting;

/// <summary>Cluster identity and ports, bound from "Orleans".</summary>
public sealed class OrleansOptions
{
    public string ClusterId { get; set; } = "engagement-dev";
    public string ServiceId { get; set; } = "engagement-engine";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// With PostgreSQL clustering: listen on every interface instead of only the advertised
    /// address (Orleans:AdvertisedIPAddress, else this host's first address). Needed behind NAT
    /// or to reach the gateway on 127.0.0.1 too; use with Orleans:Tls. Localhost clustering
    /// always listens on loopback only.
    /// </summary>
    public bool ListenOnAnyHostAddress { get; set; }
}

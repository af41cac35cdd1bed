namespace Engine.Silo.Hosting;

/// <summary>Cluster identity and ports, bound from "Orleans".</summary>
public sealed class OrleansOptions
{
    public string ClusterId { get; set; } = "engagement-dev";
    public string ServiceId { get; set; } = "engagement-engine";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
}

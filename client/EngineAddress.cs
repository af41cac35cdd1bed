namespace Engine.Client;

/// <summary>Where the engine's cluster is: the gateway port on this host and the cluster's identity.</summary>
public sealed record EngineAddress(int GatewayPort, string ClusterId, string ServiceId);

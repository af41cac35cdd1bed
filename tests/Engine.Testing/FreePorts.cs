using System.Net;
using System.Net.Sockets;

namespace Engine.Testing;

/// <summary>Loopback ports the OS reports free right now, for servers and processes a test starts.</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Net;
using System.Net.Sockets;

namespace Engine.Storage.Tests;

/// <summary>Ports the OS reports free right now, for servers started by a test.</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

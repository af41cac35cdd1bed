using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Engine.Client.Kafka;

/// <summary>
/// Picks the librdkafka build to load. The default linux-x64 build links libsasl2, which a
/// fresh machine may lack; the centos8 build shipped alongside it does not need it.
/// </summary>
public static class NativeKafka
{
    private static readonly Lock Gate = new();
    private static bool _attempted;

    /// <summary>Call before creating any producer; later calls do nothing.</summary>
    public static void Load()
    {
        lock (Gate)
        {
            if (_attempted || Library.IsLoaded)
            {
                return;
            }

            _attempted = true;
            if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            {
                return;
            }

            var path = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "centos8-librdkafka.so");
            if (File.Exists(path))
            {
                Library.Load(path);
            }
        }
    }
}

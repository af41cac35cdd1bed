using System.Runtime.InteropServices;

namespace Engine.Silo.Kafka;

/// <summary>
/// Loads librdkafka once, before any Confluent.Kafka client. On linux-x64 the build of
/// librdkafka.redist that does not need libsasl2 is preferred, so a fresh machine needs no
/// extra system package; the embedded broker binds its mock-cluster functions from the same file.
/// </summary>
public static class NativeKafka
{
    private static readonly Lock Gate = new();
    private static string? _loadedPath;

    /// <summary>The path librdkafka was loaded from (null when Confluent.Kafka chose it itself).</summary>
    public static string? LoadedPath
    {
        get
        {
            EnsureLoaded();
            return _loadedPath;
        }
    }

    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (Confluent.Kafka.Library.IsLoaded)
            {
                return;
            }

            var candidate = PreferredPath();
            if (candidate is not null && File.Exists(candidate))
            {
                Confluent.Kafka.Library.Load(candidate);
                _loadedPath = candidate;
            }
        }
    }

    private static string? PreferredPath()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return null;
        }

        return Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "centos8-librdkafka.so");
    }
}

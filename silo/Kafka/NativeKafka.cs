using System.Runtime.InteropServices;

namespace Engine.Silo.Kafka;

/// <summary>
/// Points Confluent.Kafka at the librdkafka build that does not need libsasl2 (linux-x64),
/// so a fresh machine needs no extra system package. The embedded broker binds its
/// mock-cluster functions from the same file, so both share one librdkafka.
/// </summary>
public static class NativeKafka
{
    private static readonly Lock Gate = new();
    private static bool _configured;
    private static string? _path;

    /// <summary>The librdkafka file in use, or null where Confluent.Kafka picks its own.</summary>
    public static string? LoadedPath
    {
        get
        {
            EnsureLoaded();
            return _path;
        }
    }

    /// <summary>Call before creating any Kafka client.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_configured)
            {
                return;
            }

            _configured = true;
            var candidate = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "centos8-librdkafka.so");
            if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64 || !File.Exists(candidate))
            {
                return;
            }

            _path = candidate;
            NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, (name, _, _) => name switch
            {
                "librdkafka" => NativeLibrary.Load(candidate),
                // glibc ships libdl.so.2; only development images add the libdl.so link.
                "libdl" when NativeLibrary.TryLoad("libdl.so.2", out var handle) => handle,
                _ => 0,
            });
        }
    }
}

using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Engine.Client.Kafka;

/// <summary>
/// Picks the librdkafka build to load. The default linux-x64 build links libsasl2.so.3, which a
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
            if (!File.Exists(path))
            {
                return;
            }

            ResolveNativeNames(path);
            Library.Load(path);
        }
    }

    /// <summary>
    /// Library.Load(path) calls dlopen through "libdl", which glibc 2.34+ only ships as
    /// libdl.so.2 (the bare libdl.so comes with the -dev package), and then binds its
    /// functions through "librdkafka", which would probe the default build again.
    /// </summary>
    private static void ResolveNativeNames(string librdkafkaPath) =>
        NativeLibrary.SetDllImportResolver(typeof(Library).Assembly, (name, _, _) => name switch
        {
            "libdl" => NativeLibrary.TryLoad("libdl.so.2", out var libdl) ? libdl : IntPtr.Zero,
            "librdkafka" => NativeLibrary.TryLoad(librdkafkaPath, out var librdkafka) ? librdkafka : IntPtr.Zero,
            _ => IntPtr.Zero,
        });
}

using System.Globalization;
using Engine.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Engine.Testing.Hosting;

/// <summary>
/// A silo host in this process, built exactly as Program.cs builds it
/// (<see cref="SiloHostExtensions.AddEngineSilo"/>), on free loopback ports so it never
/// collides with another silo on the machine.
/// </summary>
public static class EngineSiloHost
{
    /// <summary>
    /// Builds (does not start) the host. <paramref name="settings"/> are layered over the
    /// configuration <paramref name="hostSettings"/> loads and win over the free ports chosen here.
    /// </summary>
    public static IHost Build(
        IReadOnlyDictionary<string, string?> settings,
        HostApplicationBuilderSettings hostSettings,
        Action<ILoggingBuilder> logging)
    {
        var builder = Host.CreateApplicationBuilder(hostSettings);
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Orleans:SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(all);
        logging(builder.Logging);
        builder.AddEngineSilo();
        return builder.Build();
    }
}

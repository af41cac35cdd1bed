using Engine.Testing.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Engine.Benchmarks;

/// <summary>
/// A real engine silo in this process, built by the production wiring (<see cref="EngineSiloHost"/>,
/// free ports) and pointed at the benchmark's broker with a fresh consumer group.
/// </summary>
internal static class BenchmarkSilo
{
    /// <summary>
    /// Builds (does not start) a silo host; <paramref name="ingestion"/> false leaves Kafka
    /// alone. <paramref name="rowSettings"/> are the row's own configuration (row 4: PostgreSQL);
    /// --set overrides still come last and win.
    /// </summary>
    public static IHost Build(string bootstrapServers, BenchmarkOptions options, bool ingestion, IReadOnlyDictionary<string, string>? rowSettings = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Kafka:BootstrapServers"] = bootstrapServers,
            ["Kafka:GroupId"] = "bench-engine-" + Guid.NewGuid().ToString("N"),
            // Rows 1-3 keep state in memory on purpose; row 4 sets PostgreSQL.
            ["Storage:AllowMemoryWithExternalKafka"] = "true",
            ["Orleans:ClusterId"] = "bench-" + Guid.NewGuid().ToString("N")[..8],
            ["Ingestion:Enabled"] = ingestion ? "true" : "false",
            ["Demo:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            // Its first check after start-up reports a bogus stall of many minutes.
            ["Logging:LogLevel:Orleans.Runtime.Watchdog"] = "Error",
        };

        foreach (var (key, value) in rowSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        // Overrides from --set (e.g. Ingestion:MaxBatchEvents) come last and win.
        foreach (var (key, value) in options.SiloSettings)
        {
            settings[key] = value;
        }

        var hostSettings = new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        };
        return EngineSiloHost.Build(settings, hostSettings, logging =>
        {
            logging.SetMinimumLevel(LogLevel.Warning);
            // Standard output is the results table; the silo's log goes to standard error.
            logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
    }

    /// <summary>
    /// Stops and disposes a silo host, and only then may the caller dispose the broker and
    /// PostgreSQL. The stop gets the silo's own budget (HostOptions.ShutdownTimeout, which
    /// covers the final checkpoint and the silo's stop): a shorter one cancelled the silo's stop
    /// and disposed its services, Kafka clients included, under a final checkpoint still
    /// running, and the process aborted in librdkafka. A failure while disposing is reported,
    /// not thrown: it happens after the measurement and must not cost the run its results.
    /// </summary>
    public static async Task StopAsync(IHost host)
    {
        try
        {
            await host.StopAsync();
        }
        finally
        {
            try
            {
                host.Dispose();
            }
            catch (ObjectDisposedException ex)
            {
                Console.Error.WriteLine($"warning: disposing the silo host failed ({ex.GetType().Name}: {ex.Message}); a silo service is disposed twice");
            }
        }
    }
}

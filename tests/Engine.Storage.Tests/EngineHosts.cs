using System.Collections.Concurrent;
using Engine.Silo.Hosting;
using Engine.Testing.Hosting;
using Engine.Testing.Postgres;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Engine.Storage.Tests;

/// <summary>
/// Builds a silo host exactly as Program.cs does (<see cref="SiloHostExtensions.AddEngineSilo"/>),
/// configured for PostgreSQL storage and clustering, with Kafka ingestion switched off
/// (<see cref="EngineSiloHost"/> picks free ports).
/// </summary>
internal static class EngineHosts
{
    public static IHost Build(
        TestDatabase database,
        ITestOutputHelper output,
        bool applySchema,
        string clusterId,
        string clustering = "postgres",
        string? connectionString = null,
        ConcurrentQueue<string>? capture = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["Sms:Numbers:Key"] = Engine.Testing.TestNumberKey.Value,
            ["Storage:ConnectionString"] = connectionString ?? database.ConnectionString,
            ["Storage:ApplySchema"] = applySchema ? "true" : "false",
            ["Storage:Clustering"] = clustering,
            ["Orleans:ClusterId"] = clusterId,
            ["Orleans:ServiceId"] = "engine-storage-tests",
            ["Orleans:AdvertisedIPAddress"] = "127.0.0.1",
            // Ingestion off and a bootstrap address given, so no embedded broker is started.
            ["Ingestion:Enabled"] = "false",
            ["Kafka:BootstrapServers"] = "127.0.0.1:1",
            // Nothing listens there; keep librdkafka from reporting that on stderr.
            ["Kafka:Producer:log_level"] = "0",
            ["Kafka:Consumer:log_level"] = "0",
        };
        var hostSettings = new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
        };
        return EngineSiloHost.Build(settings, hostSettings, logging =>
        {
            logging.SetMinimumLevel(capture is null ? LogLevel.Warning : LogLevel.Debug);
            logging.AddProvider(new TestOutputLoggerProvider(output, capture));
        });
    }
}

/// <summary>
/// Warnings and errors of a host into the test's output, to see why a start failed; with a
/// capture queue, every line at any level also goes there for the test to inspect.
/// </summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output, ConcurrentQueue<string>? capture) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new TestOutputLogger(output, capture, categoryName);

    public void Dispose()
    {
    }

    private sealed class TestOutputLogger(ITestOutputHelper output, ConcurrentQueue<string>? capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => capture is not null || logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception)}";
            capture?.Enqueue(line);
            if (logLevel < LogLevel.Warning)
            {
                return;
            }

            try
            {
                output.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // The test has finished; its output is closed.
            }
        }
    }
}

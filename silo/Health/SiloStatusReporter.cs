using Engine.Contracts;
using Engine.Silo.Ingestion;
using Engine.Silo.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Engine.Silo.Health;

/// <summary>
/// Every <see cref="Interval"/>, tells this silo's <see cref="ISiloStatusGrain"/> whether it is
/// ready (the readiness check's answer), which partitions it consumes and their lag, for
/// <c>engine-admin status</c>. A failed report is skipped: the next one replaces it.
/// </summary>
public sealed partial class SiloStatusReporter(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    HealthCheckService health,
    IngestionStatus ingestion,
    EngineMetrics metrics,
    TimeProvider time,
    ILogger<SiloStatusReporter> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>The key this silo reports under: its address as Orleans writes it.</summary>
    public static string KeyOf(SiloAddress address) => address.ToParsableString();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await ReportAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task ReportAsync(CancellationToken stoppingToken)
    {
        try
        {
            var readiness = await health.CheckHealthAsync(check => check.Tags.Contains("ready"), stoppingToken);
            var problem = readiness.Status == HealthStatus.Healthy ? null
                : string.Join("; ", readiness.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Value.Description ?? e.Key));
            var key = KeyOf(silo.SiloAddress);
            var report = new SiloStatusReport(key, time.GetUtcNow(), readiness.Status == HealthStatus.Healthy, problem, [.. ingestion.Partitions], (long)metrics.EventsApplied.Value);
            await grains.GetGrain<ISiloStatusGrain>(key).ReportAsync(report);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReportFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reporting this silo's status failed ({ErrorType}); the next report replaces it")]
    private static partial void LogReportFailed(ILogger logger, string errorType);
}

using Engine.Silo.Ingestion;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Engine.Silo.Health;

/// <summary>Ready when the consumer runs, the Kafka cluster can be reached and customer state can be stored.</summary>
public sealed class IngestionHealthCheck(IngestionStatus status, Microsoft.Extensions.Options.IOptions<IngestionOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Value.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("ingestion disabled"));
        }

        if (!status.IsRunning)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("ingestion is not running"));
        }

        if (!status.KafkaAvailable)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Kafka unreachable: " + status.KafkaProblem));
        }

        return Task.FromResult(status.StorageAvailable
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("state storage unavailable: " + status.Problem));
    }
}

using Engine.Domain.Segments;
using Engine.Grains.Projection;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Storage.Projection;

/// <summary>
/// Counts customers per tier and per segment from the projection every
/// <see cref="ProjectionOptions.GaugeInterval"/> into <see cref="ProjectionFigures"/>, which the
/// metrics read. A failed count keeps the last figures and is tried again at the next tick.
/// </summary>
public sealed partial class ProjectionGauges(
    IServiceProvider services,
    ProjectionFigures figures,
    SegmentRules segments,
    IOptions<ProjectionOptions> options,
    TimeProvider time,
    ILogger<ProjectionGauges> logger) : BackgroundService
{
    /// <summary>The tier label of customers not placed on the ladder yet.</summary>
    public const string NoTier = "none";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Registered with the grain storage; a host without one has nothing to count.
        if (services.GetService<ICustomerProjection>() is not { } projection)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.GaugeInterval, time);
        do
        {
            await CountAsync(projection, stoppingToken);
        }
        while (await Engine.Silo.Hosting.PeriodicTicks.NextAsync(timer, stoppingToken));
    }

    /// <summary>One count of both; true when it succeeded.</summary>
    public async Task<bool> CountAsync(ICustomerProjection projection, CancellationToken cancellationToken)
    {
        try
        {
            var tiers = (await projection.CountByTierAsync(cancellationToken)).ToDictionary(t => t.Group ?? NoTier, t => t.Customers, StringComparer.Ordinal);
            // Every configured segment, so an emptied one reads 0 rather than its last size.
            var sizes = await projection.CountBySegmentAsync([.. segments.All.Select(s => s.Name)], cancellationToken);
            var bySegment = segments.All.ToDictionary(s => s.Name, s => sizes.GetValueOrDefault(s.Name), StringComparer.Ordinal);
            figures.Update(new ProjectionFigures.Snapshot(tiers, bySegment));
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCountFailed(logger, ex.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting customers per tier and segment in the projection failed ({ErrorType}); the gauges keep their last values")]
    private static partial void LogCountFailed(ILogger logger, string errorType);
}

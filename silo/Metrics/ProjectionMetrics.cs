using Engine.Silo.Storage.Projection;
using Prometheus;

namespace Engine.Silo.Metrics;

/// <summary>Customers per segment and per tier across the whole engine, from the projection (every silo serves the same counts: read them with max()).</summary>
internal static class ProjectionMetrics
{
    public static void Register(MetricFactory factory, CollectorRegistry registry, ProjectionFigures figures)
    {
        var segments = factory.CreateGauge("engine_segment_customers", "Customers in each segment, from the customer projection (refreshed every Projection:GaugeInterval).", "segment");
        var tiers = factory.CreateGauge("engine_tier_customers", "Customers holding each tier (none: not placed yet), from the customer projection.", "tier");
        registry.AddBeforeCollectCallback(() =>
        {
            var latest = figures.Latest;
            foreach (var (segment, count) in latest.Segments)
            {
                segments.WithLabels(segment).Set(count);
            }

            foreach (var (tier, count) in latest.Tiers)
            {
                tiers.WithLabels(tier).Set(count);
            }

            // A tier nobody holds any more reads 0 rather than its last count.
            foreach (var labels in tiers.GetAllLabelValues().Where(l => !latest.Tiers.ContainsKey(l[0])).ToList())
            {
                tiers.WithLabels(labels).Set(0);
            }
        });
    }
}

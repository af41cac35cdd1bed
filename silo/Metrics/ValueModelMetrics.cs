using Engine.Grains;
using Prometheus;

namespace Engine.Silo.Metrics;

/// <summary>Which value model the silo forecasts with, and how old its fit is (alert on time() minus the fit's timestamp).</summary>
internal static class ValueModelMetrics
{
    public static void Register(MetricFactory factory, CollectorRegistry registry, CurrentValueModel current)
    {
        var version = factory.CreateGauge("engine_value_model_version", "Version of the value model this silo forecasts with; 0 before the first fit.");
        var fitted = factory.CreateGauge("engine_value_model_fitted_timestamp_seconds", "When the value model in use was fitted (Unix time); 0 before the first fit.");
        var checkedAt = factory.CreateGauge("engine_value_model_checked_timestamp_seconds", "When the silo last read the published value model (Unix time).");
        registry.AddBeforeCollectCallback(() =>
        {
            var model = current.Model;
            version.Set(model?.Version ?? 0);
            fitted.Set(model?.FittedAt.ToUnixTimeMilliseconds() / 1000.0 ?? 0);
            checkedAt.Set(current.CheckedAt?.ToUnixTimeMilliseconds() / 1000.0 ?? 0);
        });
    }
}

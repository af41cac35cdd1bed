using Engine.Grains;
using Prometheus;

namespace Engine.Silo.Metrics;

/// <summary>The cart abandonment trigger's metrics: what became of carts, what its messages sent and recovered, per step and variant.</summary>
internal static class CartMetrics
{
    // From a second to a day: a step leaves within seconds of its due time unless something held it.
    private static readonly double[] ReminderLatencyBuckets = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600, 86400];

    public static void Register(MetricFactory factory, CollectorRegistry registry, CartStatistics cart)
    {
        var outcomes = factory.CreateCounter("engine_cart_abandonment_total",
            "Cart abandonment decisions: started (a sequence), queued (a step's SMS), skipped-late, skipped-audience, cancelled-bought, cancelled-emptied, recovered.", "outcome");
        var sent = factory.CreateCounter("engine_cart_sms_sent_total", "Cart SMS the gateway took, by step and variant.", "step", "variant");
        var recovered = factory.CreateCounter("engine_cart_recovered_total", "Carts recovered: a purchase within the attribution window after a cart SMS, credited to the last one sent.", "step", "variant");
        var revenue = factory.CreateCounter("engine_cart_recovered_revenue_total", "Revenue of recovered carts, in the base currency.", "step", "variant");
        var latency = factory.CreateHistogram("engine_cart_reminder_latency_seconds", "Time from a cart step's due time to the gateway taking its SMS (messages no quiet hours or retry held).",
            new HistogramConfiguration { Buckets = ReminderLatencyBuckets });
        registry.AddBeforeCollectCallback(() =>
        {
            foreach (var (outcome, count) in cart.Outcomes)
            {
                outcomes.WithLabels(outcome).IncTo(count);
            }

            foreach (var ((step, variant), count) in cart.Sent)
            {
                sent.WithLabels(step, variant).IncTo(count);
            }

            foreach (var ((step, variant), count) in cart.Recovered)
            {
                recovered.WithLabels(step, variant).IncTo(count);
            }

            foreach (var ((step, variant), cents) in cart.RecoveredCents)
            {
                revenue.WithLabels(step, variant).IncTo(cents / 100.0);
            }

            while (cart.ReminderLatencies.TryDequeue(out var seconds))
            {
                latency.Observe(seconds);
            }
        });
    }
}

using Engine.Domain.Value.Numerics;

namespace Engine.Domain.Value.Model;

/// <summary>Gamma-Gamma parameters: a purchase's value ~ Gamma(p, ν), ν ~ Gamma(q, γ) across customers.</summary>
[GenerateSerializer, Immutable, Alias("engine.GammaGammaParameters")]
public sealed record GammaGammaParameters([property: Id(0)] double P, [property: Id(1)] double Q, [property: Id(2)] double Gamma)
{
    public bool IsValid => P > 0 && Q > 0 && Gamma > 0 && double.IsFinite(P + Q + Gamma);

    /// <summary>The population's mean value per purchase, pγ / (q − 1); infinite for q ≤ 1.</summary>
    public double PopulationMeanValue => Q > 1 ? P * Gamma / (Q - 1) : double.PositiveInfinity;
}

/// <summary>
/// The Gamma-Gamma model of spend per purchase (Fader, Hardie and Lee 2005, "RFM and CLV";
/// Colombo and Jiang 1999): fitted on repeat buyers' purchase counts and mean repeat values,
/// it predicts a customer's expected value per purchase as a weighted mean of the population's
/// and the customer's own. Assumes value per purchase independent of purchase frequency.
/// </summary>
public static class GammaGammaModel
{
    /// <summary>ln L of one repeat buyer with x repeat purchases of mean value m̄ (x ≥ 1, m̄ &gt; 0).</summary>
    public static double LogLikelihood(GammaGammaParameters g, int x, double meanValue)
    {
        var px = g.P * x;
        return GammaFunction.LogGamma(px + g.Q) - GammaFunction.LogGamma(px) - GammaFunction.LogGamma(g.Q)
            + (g.Q * Math.Log(g.Gamma)) + ((px - 1) * Math.Log(meanValue)) + (px * Math.Log(x))
            - ((px + g.Q) * Math.Log(g.Gamma + (x * meanValue)));
    }

    /// <summary>E[M | x, m̄]: expected value per purchase; the population mean for a customer without repeats.</summary>
    public static double ExpectedValuePerPurchase(GammaGammaParameters g, int x, double meanValue) =>
        x <= 0 || meanValue <= 0
            ? g.PopulationMeanValue
            : g.P * (g.Gamma + (x * meanValue)) / ((g.P * x) + g.Q - 1);

    /// <summary>Maximum likelihood over the repeat buyers (frequency ≥ 1, positive mean repeat value) of the sample.</summary>
    public static ModelFit<GammaGammaParameters> Fit(IReadOnlyList<PurchaseSummary> customers)
    {
        var repeat = customers.Where(c => c.Frequency > 0 && c.MeanRepeatValue > 0).ToList();
        if (repeat.Count == 0)
        {
            throw new ArgumentException("there are no repeat buyers with a purchase value to fit", nameof(customers));
        }

        double NegativeLogLikelihood(double[] logs)
        {
            var g = new GammaGammaParameters(Math.Exp(logs[0]), Math.Exp(logs[1]), Math.Exp(logs[2]));
            var sum = 0.0;
            foreach (var c in repeat)
            {
                sum += LogLikelihood(g, c.Frequency, c.MeanRepeatValue);
            }

            return -sum;
        }

        var minimum = NelderMead.Minimize(NegativeLogLikelihood, [0.0, 0.0, 0.0]);
        var fitted = new GammaGammaParameters(Math.Exp(minimum.Point[0]), Math.Exp(minimum.Point[1]), Math.Exp(minimum.Point[2]));
        return new ModelFit<GammaGammaParameters>(fitted, -minimum.Value, repeat.Count, minimum.Iterations, minimum.Converged, minimum.Evaluations);
    }
}

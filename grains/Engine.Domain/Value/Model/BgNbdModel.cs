using Engine.Domain.Value.Numerics;

namespace Engine.Domain.Value.Model;

/// <summary>Population parameters of the BG/NBD model: purchase rates ~ Gamma(r, α), dropout probabilities ~ Beta(a, b).</summary>
[GenerateSerializer, Immutable, Alias("engine.BgNbdParameters")]
public sealed record BgNbdParameters([property: Id(0)] double R, [property: Id(1)] double Alpha, [property: Id(2)] double A, [property: Id(3)] double B)
{
    public bool IsValid => R > 0 && Alpha > 0 && A > 0 && B > 0 && double.IsFinite(R + Alpha + A + B);
}

/// <summary>
/// The BG/NBD model of Fader, Hardie and Lee (2005), "Counting your customers the easy way":
/// while alive a customer buys at a Poisson rate λ, and after each purchase drops out with
/// probability p; λ and p vary across customers as Gamma(r, α) and Beta(a, b). Every formula
/// is per customer in O(1) from its <see cref="PurchaseSummary"/> (plus one ₂F₁ series for the
/// expectation).
/// </summary>
public static class BgNbdModel
{
    /// <summary>ln L of one customer (eq. 6 of the paper), summed into the sample's log-likelihood.</summary>
    public static double LogLikelihood(BgNbdParameters p, PurchaseSummary c)
    {
        var x = c.Frequency;
        var common = GammaFunction.LogGamma(p.R + x) - GammaFunction.LogGamma(p.R) + (p.R * Math.Log(p.Alpha))
            + GammaFunction.LogBeta(p.A, p.B + x) - GammaFunction.LogBeta(p.A, p.B);
        var stillAlive = -(p.R + x) * Math.Log(p.Alpha + c.Age);
        if (x == 0)
        {
            return common + stillAlive;
        }

        var droppedAfterLast = Math.Log(p.A) - Math.Log(p.B + x - 1) - ((p.R + x) * Math.Log(p.Alpha + c.Recency));
        return common + LogSumExp(stillAlive, droppedAfterLast);
    }

    public static double LogLikelihood(BgNbdParameters p, IReadOnlyList<PurchaseSummary> customers)
    {
        var sum = 0.0;
        foreach (var c in customers)
        {
            sum += LogLikelihood(p, c);
        }

        return sum;
    }

    /// <summary>P(alive | x, tₓ, T): the chance the customer has not dropped out (eq. 11).</summary>
    public static double ProbabilityAlive(BgNbdParameters p, PurchaseSummary c) =>
        c.Frequency == 0 ? 1.0 : 1.0 / (1.0 + Math.Exp(LogDropoutOdds(p, c)));

    /// <summary>
    /// E[Y(t) | x, tₓ, T]: purchases expected in the next <paramref name="periods"/> (eq. 10).
    /// For a = 1 exactly the closed form divides by zero; a is nudged by 1e-9, which moves the
    /// answer by far less than the parameters' own precision.
    /// </summary>
    public static double ExpectedPurchases(BgNbdParameters p, PurchaseSummary c, double periods)
    {
        if (periods <= 0)
        {
            return 0;
        }

        var a = Math.Abs(p.A - 1) < 1e-9 ? 1 + 1e-9 : p.A;
        var x = c.Frequency;
        var z = periods / (p.Alpha + c.Age + periods);
        var hyper = Hypergeometric.Gauss2F1(p.R + x, p.B + x, a + p.B + x - 1, z);
        var decay = Math.Exp((p.R + x) * Math.Log((p.Alpha + c.Age) / (p.Alpha + c.Age + periods)));
        var numerator = (a + p.B + x - 1) / (a - 1) * (1 - (decay * hyper));
        var denominator = x == 0 ? 1.0 : 1.0 + Math.Exp(LogDropoutOdds(p with { A = a }, c));
        return numerator / denominator;
    }

    /// <summary>E[X(t)] for a new customer: purchases expected in <paramref name="periods"/> (eq. 9).</summary>
    public static double ExpectedPurchasesOfNewCustomer(BgNbdParameters p, double periods)
    {
        var a = Math.Abs(p.A - 1) < 1e-9 ? 1 + 1e-9 : p.A;
        var z = periods / (p.Alpha + periods);
        var decay = Math.Pow(p.Alpha / (p.Alpha + periods), p.R);
        return (a + p.B - 1) / (a - 1) * (1 - (decay * Hypergeometric.Gauss2F1(p.R, p.B, a + p.B - 1, z)));
    }

    /// <summary>
    /// The maximum-likelihood parameters for a sample, by Nelder–Mead over the parameters'
    /// logarithms (so they stay positive), from r = α = a = b = 1.
    /// </summary>
    public static ModelFit<BgNbdParameters> Fit(IReadOnlyList<PurchaseSummary> customers)
    {
        if (customers.Count == 0)
        {
            throw new ArgumentException("there are no customers to fit", nameof(customers));
        }

        var minimum = NelderMead.Minimize(
            logs => -LogLikelihood(FromLogs(logs), customers),
            [0.0, 0.0, 0.0, 0.0]);
        return new ModelFit<BgNbdParameters>(FromLogs(minimum.Point), -minimum.Value, customers.Count, minimum.Iterations, minimum.Converged, minimum.Evaluations);
    }

    private static BgNbdParameters FromLogs(double[] logs) => new(Math.Exp(logs[0]), Math.Exp(logs[1]), Math.Exp(logs[2]), Math.Exp(logs[3]));

    // ln[(a / (b + x − 1)) · ((α + T) / (α + tₓ))^(r + x)]
    private static double LogDropoutOdds(BgNbdParameters p, PurchaseSummary c) =>
        Math.Log(p.A / (p.B + c.Frequency - 1)) + ((p.R + c.Frequency) * Math.Log((p.Alpha + c.Age) / (p.Alpha + c.Recency)));

    private static double LogSumExp(double u, double v)
    {
        var max = Math.Max(u, v);
        return max + Math.Log(Math.Exp(u - max) + Math.Exp(v - max));
    }
}

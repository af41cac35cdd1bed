using Engine.Domain.Value.Model;

namespace Engine.Domain.Tests;

/// <summary>
/// Without the CDNOW files: customers simulated from known parameters exactly as the models
/// describe them, fitted back. With 8,000 customers the sampling error of each parameter is a
/// few percent (up to ten for Gamma-Gamma's q and γ, which trade off); the tolerances leave room
/// for it and still catch a wrong likelihood, which lands far away.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ValueModelSimulationTests
{
    private static readonly BgNbdParameters TruePurchases = new(0.8, 6.0, 0.9, 3.0);
    private static readonly GammaGammaParameters TrueSpend = new(5.0, 4.0, 20.0);

    [Fact]
    public void BG_NBD_fit_recovers_the_parameters_it_was_simulated_from()
    {
        var random = new Random(20261203);
        var customers = Enumerable.Range(0, 8000).Select(_ => SimulatePurchases(random, TruePurchases, observedFor: 52)).ToList();

        var fit = BgNbdModel.Fit(customers);

        Assert.True(fit.Converged);
        AssertWithin(TruePurchases.R, fit.Parameters.R, 0.15);
        AssertWithin(TruePurchases.Alpha, fit.Parameters.Alpha, 0.15);
        AssertWithin(TruePurchases.A, fit.Parameters.A, 0.15);
        AssertWithin(TruePurchases.B, fit.Parameters.B, 0.15);
        Assert.True(fit.LogLikelihood >= BgNbdModel.LogLikelihood(TruePurchases, customers), "the fit is no worse than the truth");
    }

    [Fact]
    public void Gamma_Gamma_fit_recovers_the_parameters_it_was_simulated_from()
    {
        var random = new Random(31);
        var customers = Enumerable.Range(0, 8000).Select(_ =>
        {
            var x = 1 + random.Next(12);
            var nu = Gamma(random, TrueSpend.Q) / TrueSpend.Gamma;
            var mean = Enumerable.Range(0, x).Average(_ => Gamma(random, TrueSpend.P) / nu);
            return new PurchaseSummary(x, 1, 2, mean);
        }).ToList();

        var fit = GammaGammaModel.Fit(customers);

        Assert.True(fit.Converged);
        // q and γ trade off against each other (both set the spread of customers' mean spend), so
        // each alone is loose; the population mean spend pγ / (q − 1) that they make is tight.
        AssertWithin(TrueSpend.P, fit.Parameters.P, 0.10);
        AssertWithin(TrueSpend.Q, fit.Parameters.Q, 0.20);
        AssertWithin(TrueSpend.Gamma, fit.Parameters.Gamma, 0.20);
        AssertWithin(TrueSpend.PopulationMeanValue, fit.Parameters.PopulationMeanValue, 0.03);
    }

    private static void AssertWithin(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * expected, $"expected {expected} within {relative:P0}, got {actual}");

    /// <summary>
    /// One customer: λ ~ Gamma(r, α), p ~ Beta(a, b); from the first purchase at 0, repeat
    /// purchases at Poisson(λ) times until <paramref name="observedFor"/>, and after each
    /// repeat purchase the customer drops out with probability p.
    /// </summary>
    private static PurchaseSummary SimulatePurchases(Random random, BgNbdParameters p, double observedFor)
    {
        var rate = Gamma(random, p.R) / p.Alpha;
        var x1 = Gamma(random, p.A);
        var dropout = x1 / (x1 + Gamma(random, p.B));
        var t = 0.0;
        var repeats = 0;
        var last = 0.0;
        while (true)
        {
            t += -Math.Log(1 - random.NextDouble()) / rate;
            if (t > observedFor)
            {
                break;
            }

            repeats++;
            last = t;
            if (random.NextDouble() < dropout)
            {
                break;
            }
        }

        return new PurchaseSummary(repeats, last, observedFor);
    }

    /// <summary>A Gamma(shape, 1) draw by Marsaglia and Tsang's method (boosted for shape &lt; 1).</summary>
    private static double Gamma(Random random, double shape)
    {
        if (shape < 1)
        {
            return Gamma(random, shape + 1) * Math.Pow(random.NextDouble(), 1 / shape);
        }

        var d = shape - (1.0 / 3);
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = random.NextDouble();
            if (Math.Log(u) < (0.5 * x * x) + d - (d * v) + (d * Math.Log(v)))
            {
                return d * v;
            }
        }
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

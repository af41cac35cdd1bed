using Engine.Domain.Value.Numerics;

namespace Engine.Domain.Tests;

/// <summary>The special functions and the optimiser the value models stand on, against known values.</summary>
[Trait("Category", "Unit")]
public sealed class ValueNumericsTests
{
    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(2.0, 0.0)]
    [InlineData(0.5, 0.57236494292470008)] // ln √π
    [InlineData(10.0, 12.801827480081469)] // ln 9!
    [InlineData(100.0, 359.13420536957540)] // ln 99!
    [InlineData(0.1, 2.2527126517342059)]
    [InlineData(0.01, 4.5994798780420219)]
    [InlineData(1e6, 12815504.569147612)]
    public void LogGamma_matches_known_values(double x, double expected) =>
        Assert.Equal(expected, GammaFunction.LogGamma(x), Math.Max(1e-12, Math.Abs(expected) * 1e-13));

    [Fact]
    public void LogBeta_is_the_log_of_the_beta_function() =>
        Assert.Equal(Math.Log(1.0 / 12.0), GammaFunction.LogBeta(2, 3), 12); // B(2, 3) = 1!·2!/4! = 1/12

    [Fact]
    public void LogGamma_refuses_what_it_does_not_define()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GammaFunction.LogGamma(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GammaFunction.LogGamma(-1.5));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(0.9)]
    [InlineData(0.99)]
    public void Gauss2F1_matches_its_closed_forms(double z)
    {
        // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z; ₂F₁(a, b; b; z) = (1 − z)^−a; ₂F₁(½, ½; 3/2; z²) = arcsin(z) / z.
        // Relative error within 1e-11 (the series' tolerance is 1e-13).
        static void Close(double expected, double actual) => Assert.Equal(expected, actual, Math.Abs(expected) * 1e-11);
        Close(z == 0 ? 1 : -Math.Log(1 - z) / z, Hypergeometric.Gauss2F1(1, 1, 2, z));
        Close(Math.Pow(1 - z, -2.5), Hypergeometric.Gauss2F1(2.5, 0.7, 0.7, z));
        var root = Math.Sqrt(z);
        Close(z == 0 ? 1 : Math.Asin(root) / root, Hypergeometric.Gauss2F1(0.5, 0.5, 1.5, z));
    }

    [Fact]
    public void Gauss2F1_refuses_z_outside_the_series_domain()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Hypergeometric.Gauss2F1(1, 1, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hypergeometric.Gauss2F1(1, 1, 2, -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hypergeometric.Gauss2F1(1, 1, -2, 0.5));
    }

    [Fact]
    public void NelderMead_finds_the_minimum_of_the_Rosenbrock_valley()
    {
        var minimum = NelderMead.Minimize(p => (100 * Math.Pow(p[1] - (p[0] * p[0]), 2)) + Math.Pow(1 - p[0], 2), [-1.2, 1.0]);

        Assert.True(minimum.Converged);
        Assert.Equal(1.0, minimum.Point[0], 5);
        Assert.Equal(1.0, minimum.Point[1], 5);
    }

    [Fact]
    public void NelderMead_reports_a_search_cut_short_as_not_converged() =>
        Assert.False(NelderMead.Minimize(p => (100 * Math.Pow(p[1] - (p[0] * p[0]), 2)) + Math.Pow(1 - p[0], 2), [-1.2, 1.0], maxIterations: 10).Converged);
}

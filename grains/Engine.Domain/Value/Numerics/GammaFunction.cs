namespace Engine.Domain.Value.Numerics;

/// <summary>
/// The logarithm of the gamma function for positive arguments, by the Lanczos approximation
/// (g = 7, nine coefficients): relative error below 1e-14 over the arguments the value models
/// use (0.01 to 1e7), checked against known values in the tests. Arguments below 0.5 go
/// through the reflection formula.
/// </summary>
public static class GammaFunction
{
    private const double G = 7.0;

    private static readonly double[] Coefficients =
    [
        0.99999999999980993,
        676.5203681218851,
        -1259.1392167224028,
        771.32342877765313,
        -176.61502916214059,
        12.507343278686905,
        -0.13857109526572012,
        9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];

    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    public static double LogGamma(double x)
    {
        if (double.IsNaN(x) || x <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "LogGamma is defined here for positive arguments only.");
        }

        if (x < 0.5)
        {
            // Γ(x)Γ(1−x) = π / sin(πx)
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = Coefficients[0];
        for (var i = 1; i < Coefficients.Length; i++)
        {
            sum += Coefficients[i] / (x + i);
        }

        var t = x + G + 0.5;
        return HalfLogTwoPi + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    /// <summary>ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).</summary>
    public static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);
}

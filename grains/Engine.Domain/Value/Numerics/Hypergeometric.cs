namespace Engine.Domain.Value.Numerics;

/// <summary>
/// The Gauss hypergeometric function ₂F₁(a, b; c; z) by its power series
/// Σ (a)ₖ(b)ₖ / ((c)ₖ k!) zᵏ, which converges for 0 ≤ z &lt; 1. Once the terms shrink, the
/// tail after term k is at most termₖ / (1 − ρ) with ρ the larger of z and the last ratio of
/// terms (the ratio tends to z from either side), and the sum stops when that bound falls below
/// <see cref="RelativeTolerance"/> of the sum: the result's relative error is about that
/// tolerance, even close to z = 1. It throws rather than return a sum that has not converged
/// within <see cref="MaxTerms"/>. The BG/NBD expectation calls it with
/// z = t / (α + T + t), below 1 for any finite horizon.
/// </summary>
public static class Hypergeometric
{
    public const double RelativeTolerance = 1e-13;
    public const int MaxTerms = 1_000_000;

    public static double Gauss2F1(double a, double b, double c, double z)
    {
        if (z < 0 || z >= 1 || double.IsNaN(z))
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, "The series is used for 0 ≤ z < 1 only.");
        }

        if (c <= 0 && c == Math.Floor(c))
        {
            throw new ArgumentOutOfRangeException(nameof(c), c, "c must not be zero or a negative integer.");
        }

        var term = 1.0;
        var sum = 1.0;
        for (var k = 0; k < MaxTerms; k++)
        {
            var next = term * (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
            sum += next;
            var ratio = term == 0 ? 0 : Math.Abs(next / term);
            if (next == 0 || (ratio < 1 && Math.Abs(next) / (1 - Math.Max(ratio, z)) <= RelativeTolerance * Math.Abs(sum)))
            {
                return sum;
            }

            term = next;
        }

        throw new ArithmeticException($"2F1({a}, {b}; {c}; {z}) did not converge in {MaxTerms} terms.");
    }
}

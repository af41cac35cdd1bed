namespace Engine.Domain.Effects;

/// <summary>A difference of two conversion rates with its confidence interval.</summary>
public readonly record struct RateDifference(double Difference, double Low, double High)
{
    /// <summary>The interval leaves zero out: at this confidence, the variants differ.</summary>
    public bool IsSignificant => Low > 0 || High < 0;
}

/// <summary>
/// Compares the conversion rates of two variants: the difference of the two proportions with a
/// two-sided Wald interval, p2 − p1 ± z·√(p1(1−p1)/n1 + p2(1−p2)/n2). Plain arithmetic, so no
/// statistics package: the normal quantiles of the usual confidence levels are constants.
/// </summary>
public static class ConversionComparison
{
    /// <summary>The z of a two-sided 90, 95 or 99 % interval.</summary>
    public static double ZFor(double confidence) => confidence switch
    {
        0.90 => 1.6448536269514722,
        0.95 => 1.959963984540054,
        0.99 => 2.5758293035489004,
        _ => throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "Use 0.90, 0.95 or 0.99."),
    };

    public static double Rate(long sends, long conversions) => sends == 0 ? 0 : (double)conversions / sends;

    /// <summary>The treatment's rate minus the baseline's, and its interval; null when either has no sends.</summary>
    public static RateDifference? Compare(long baselineSends, long baselineConversions, long sends, long conversions, double confidence = 0.95)
    {
        if (baselineSends <= 0 || sends <= 0)
        {
            return null;
        }

        var p1 = Rate(baselineSends, baselineConversions);
        var p2 = Rate(sends, conversions);
        var margin = ZFor(confidence) * Math.Sqrt(p1 * (1 - p1) / baselineSends + p2 * (1 - p2) / sends);
        return new RateDifference(p2 - p1, p2 - p1 - margin, p2 - p1 + margin);
    }
}

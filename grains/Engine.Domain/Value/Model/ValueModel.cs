namespace Engine.Domain.Value.Model;

/// <summary>
/// One fitted version of the population's value model, as every silo loads it: the BG/NBD
/// purchase process and the Gamma-Gamma spend per purchase, in periods of
/// <see cref="PeriodDays"/> days (7: the papers' weeks), with how the fit went, and the ranks of
/// the population it was fitted on (RFM quintiles, CLV percentiles; null in older versions).
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.ValueModel")]
public sealed record ValueModel(
    [property: Id(0)] int Version,
    [property: Id(1)] DateTimeOffset FittedAt,
    [property: Id(2)] double PeriodDays,
    [property: Id(3)] BgNbdParameters Purchases,
    [property: Id(4)] GammaGammaParameters Spend,
    [property: Id(5)] string Source,
    [property: Id(6)] int Customers,
    [property: Id(7)] double PurchasesLogLikelihood,
    [property: Id(8)] double SpendLogLikelihood,
    // Id 30: ids 30-39 are this work's on existing types. Null in models stored before it.
    [property: Id(30)] PopulationRanks? Population = null)
{
    /// <summary>What is wrong with it (empty when a silo may use it).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!(PeriodDays > 0))
        {
            problems.Add("the period must be longer than zero days");
        }

        if (!Purchases.IsValid)
        {
            problems.Add($"BG/NBD parameters must be positive and finite, got {Purchases}");
        }

        if (!Spend.IsValid || Spend.Q <= 1)
        {
            problems.Add($"Gamma-Gamma parameters must be positive and finite with q > 1 (a finite mean spend), got {Spend}");
        }

        if (Population is { } ranks && (ranks.ClvPercentiles.Length != 99 || !Ascending(ranks.ClvPercentiles)
            || new[] { ranks.Rfm.RecencyDays, ranks.Rfm.Frequency, ranks.Rfm.Monetary }.Any(cuts => cuts.Length != 4 || !Ascending(cuts))))
        {
            problems.Add("population ranks need 99 ascending CLV percentiles and 4 ascending RFM cut points per dimension");
        }

        return problems;
    }

    private static bool Ascending(double[] values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            if (!(values[i] >= values[i - 1]))
            {
                return false;
            }
        }

        return values.All(double.IsFinite);
    }
}

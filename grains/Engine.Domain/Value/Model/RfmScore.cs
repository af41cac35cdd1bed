namespace Engine.Domain.Value.Model;

/// <summary>A customer's recency, frequency and monetary scores, 1 (worst fifth) to 5 (best fifth), and the named group they make.</summary>
[GenerateSerializer, Immutable, Alias("engine.RfmScore")]
public sealed record RfmScore([property: Id(0)] int Recency, [property: Id(1)] int Frequency, [property: Id(2)] int Monetary)
{
    public RfmGroup Group => RfmGroups.Of(this);

    public override string ToString() => $"{Recency}{Frequency}{Monetary}";
}

/// <summary>
/// The population's quintile boundaries, recomputed now and then from every customer: four
/// ascending cut points per dimension (the 20th, 40th, 60th and 80th percentiles). Frequency
/// and monetary score 1 plus the cut points the value is above; recency in days, where less is
/// better, scores 5 minus them.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.RfmBoundaries")]
public sealed record RfmBoundaries(
    [property: Id(0)] double[] RecencyDays,
    [property: Id(1)] double[] Frequency,
    [property: Id(2)] double[] Monetary,
    [property: Id(3)] DateTimeOffset ComputedAt,
    [property: Id(4)] int Customers)
{
    /// <summary>Boundaries from the customers' values: the 20th, 40th, 60th and 80th percentiles of each.</summary>
    public static RfmBoundaries From(IReadOnlyList<(double RecencyDays, double Frequency, double Monetary)> customers, DateTimeOffset at)
    {
        if (customers.Count == 0)
        {
            throw new ArgumentException("there are no customers to score against", nameof(customers));
        }

        return new RfmBoundaries(
            Quintiles(customers.Select(c => c.RecencyDays)),
            Quintiles(customers.Select(c => c.Frequency)),
            Quintiles(customers.Select(c => c.Monetary)),
            at,
            customers.Count);
    }

    public RfmScore Score(double recencyDays, double frequency, double monetary) =>
        new(Bucket(RecencyDays, recencyDays, lowerIsBetter: true), Bucket(Frequency, frequency, lowerIsBetter: false), Bucket(Monetary, monetary, lowerIsBetter: false));

    // Strictly above a cut point, so a value shared by many customers (no repeat purchase) scores
    // with the lowest of them, not by where the cut happened to fall among equals.
    private static int Bucket(double[] cuts, double value, bool lowerIsBetter)
    {
        var above = cuts.Count(cut => value > cut);
        return lowerIsBetter ? 5 - above : 1 + above;
    }

    private static double[] Quintiles(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return [.. new[] { 0.2, 0.4, 0.6, 0.8 }.Select(q => sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q * sorted.Length))])];
    }
}

/// <summary>The classic RFM groups, from recency and the mean of frequency and monetary scores.</summary>
public enum RfmGroup
{
    Champions,
    Loyal,
    PotentialLoyalist,
    New,
    Promising,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    CantLose,
    Hibernating,
    Lost,
}

public static class RfmGroups
{
    /// <summary>
    /// R is recency (5 = bought most recently), FM the rounded mean of frequency and monetary
    /// scores, and the group is read from this grid:
    /// R\FM   1            2              3               4          5
    /// 5      New          Potential      Potential       Champions  Champions
    /// 4      Promising    Potential      Potential       Champions  Champions
    /// 3      AboutToSleep AboutToSleep   NeedAttention   Loyal      Loyal
    /// 2      Hibernating  Hibernating    AtRisk          AtRisk     CantLose
    /// 1      Lost         Hibernating    AtRisk          CantLose   CantLose
    /// </summary>
    public static RfmGroup Of(RfmScore score)
    {
        var fm = (int)Math.Round((score.Frequency + score.Monetary) / 2.0, MidpointRounding.AwayFromZero);
        return (score.Recency, fm) switch
        {
            ( >= 4, >= 4) => RfmGroup.Champions,
            (5, 1) => RfmGroup.New,
            (4, 1) => RfmGroup.Promising,
            ( >= 4, _) => RfmGroup.PotentialLoyalist,
            (3, >= 4) => RfmGroup.Loyal,
            (3, 3) => RfmGroup.NeedAttention,
            (3, _) => RfmGroup.AboutToSleep,
            (_, 5) => RfmGroup.CantLose,
            (1, 4) => RfmGroup.CantLose,
            (_, >= 3) => RfmGroup.AtRisk,
            (1, 1) => RfmGroup.Lost,
            _ => RfmGroup.Hibernating,
        };
    }

    /// <summary>snake_case name, as segment rules and reports spell it ("cant_lose").</summary>
    public static string Key(RfmGroup group) => group switch
    {
        RfmGroup.Champions => "champions",
        RfmGroup.Loyal => "loyal",
        RfmGroup.PotentialLoyalist => "potential_loyalist",
        RfmGroup.New => "new",
        RfmGroup.Promising => "promising",
        RfmGroup.NeedAttention => "need_attention",
        RfmGroup.AboutToSleep => "about_to_sleep",
        RfmGroup.AtRisk => "at_risk",
        RfmGroup.CantLose => "cant_lose",
        RfmGroup.Hibernating => "hibernating",
        _ => "lost",
    };
}

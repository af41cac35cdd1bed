namespace Engine.Domain.Effects;

/// <summary>
/// The running totals of the engine's experiments: per experiment, step and variant, the
/// messages that went out, the carts they recovered and the revenue. Customers hand their
/// tallies over from their outboxes at least once; each tally carries its outbox id, and
/// the ids of recent tallies are remembered so a repeat (a customer that crashed between
/// the ledger's answer and its own write) is counted once. Persisted as the ledger grain's
/// state: field ids are permanent.
/// </summary>
[GenerateSerializer, Alias("engine.ExperimentLedger")]
public sealed class ExperimentLedger
{
    /// <summary>
    /// Tally ids remembered for repeats. A repeat comes from the customer's next activation,
    /// seconds or minutes later; at the sends the caps allow, this covers hours.
    /// </summary>
    public const int RecentCapacity = 8192;

    [Id(0)] public List<VariantTotals> Totals { get; set; } = [];
    [Id(1)] public List<string> RecentIds { get; set; } = [];

    /// <summary>Counts a tally unless its id was counted recently; returns whether it was counted.</summary>
    public bool Record(string id, ExperimentTally tally)
    {
        if (RecentIds.Contains(id, StringComparer.Ordinal))
        {
            return false;
        }

        if (RecentIds.Count >= RecentCapacity)
        {
            RecentIds.RemoveRange(0, RecentIds.Count - RecentCapacity + 1);
        }

        RecentIds.Add(id);
        var index = Totals.FindIndex(t => t.Experiment == tally.Experiment && t.Step == tally.Step && t.Variant == tally.Variant);
        var totals = index >= 0 ? Totals[index] : new VariantTotals(tally.Experiment, tally.Step, tally.Variant, 0, 0, 0m);
        totals = tally.Recovered
            ? totals with { Conversions = totals.Conversions + 1, Revenue = totals.Revenue + tally.Revenue }
            : totals with { Sends = totals.Sends + 1 };
        if (index >= 0)
        {
            Totals[index] = totals;
        }
        else
        {
            Totals.Add(totals);
        }

        return true;
    }
}

/// <summary>One variant's totals: messages sent, carts recovered, revenue in the base currency.</summary>
[GenerateSerializer, Immutable, Alias("engine.VariantTotals")]
public sealed record VariantTotals(
    [property: Id(0)] string Experiment,
    [property: Id(1)] string Step,
    [property: Id(2)] string Variant,
    [property: Id(3)] long Sends,
    [property: Id(4)] long Conversions,
    [property: Id(5)] decimal Revenue);

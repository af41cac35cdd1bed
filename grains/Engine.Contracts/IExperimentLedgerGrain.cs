using Engine.Domain.Effects;
using Orleans.Concurrency;

namespace Engine.Contracts;

/// <summary>
/// The totals of the cart abandonment experiments (sends, recovered carts and revenue per
/// experiment, step and variant), fed by the customers' tallies. One ledger for the engine:
/// <see cref="Key"/>.
/// </summary>
[Alias("engine.IExperimentLedgerGrain")]
public interface IExperimentLedgerGrain : IGrainWithStringKey
{
    const string Key = "cart";

    /// <summary>Counts the tallies; one already counted (same id, recently) is not counted again.</summary>
    [Alias("Record")]
    Task RecordAsync(IReadOnlyList<LedgerEntry> entries);

    /// <summary>Every variant's totals.</summary>
    [Alias("GetTotals"), ReadOnly]
    Task<IReadOnlyList<VariantTotals>> GetTotalsAsync();
}

/// <summary>A customer's tally with its outbox id, which makes a repeat recognisable.</summary>
[GenerateSerializer, Immutable, Alias("engine.LedgerEntry")]
public sealed record LedgerEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] ExperimentTally Tally);

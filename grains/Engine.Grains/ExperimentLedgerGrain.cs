using Engine.Contracts;
using Engine.Domain.Effects;

namespace Engine.Grains;

/// <summary>
/// Keeps <see cref="ExperimentLedger"/>. Each call is written before it returns, so a customer
/// removes a tally only once it is durable here. Tallies are few (one per cart SMS sent or
/// recovered, under the SMS caps), so one grain and one write per call are enough.
/// </summary>
public sealed class ExperimentLedgerGrain(
    [PersistentState("ledger", StorageNames.Customers)] IPersistentState<ExperimentLedger> ledger) : Grain, IExperimentLedgerGrain
{
    public async Task RecordAsync(IReadOnlyList<LedgerEntry> entries)
    {
        var counted = 0;
        foreach (var entry in entries)
        {
            counted += ledger.State.Record(entry.Id, entry.Tally) ? 1 : 0;
        }

        if (counted == 0)
        {
            return;
        }

        try
        {
            await ledger.WriteStateAsync();
        }
        catch
        {
            // The counts in memory are not durable: the next activation reads what is, and the
            // customers hand the same tallies over again.
            DeactivateOnIdle();
            throw;
        }
    }

    public Task<IReadOnlyList<VariantTotals>> GetTotalsAsync() => Task.FromResult<IReadOnlyList<VariantTotals>>([.. ledger.State.Totals]);
}

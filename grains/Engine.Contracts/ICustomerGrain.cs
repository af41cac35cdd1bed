using Engine.Domain.Events;
using Orleans.Concurrency;

namespace Engine.Contracts;

/// <summary>
/// One customer: applies that customer's events in order and exactly once, keeps the
/// resulting state, and reports how far its state is durable.
/// </summary>
[Alias("engine.ICustomerGrain")]
public interface ICustomerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies a batch of this customer's events, in the order given. Events already
    /// applied are skipped. The state may be written later (see <see cref="FlushAsync"/>).
    /// </summary>
    [Alias("Apply")]
    Task<ApplyReport> ApplyAsync(EventBatch batch);

    /// <summary>
    /// Writes the state if it has changes not yet durable, and returns the durable
    /// watermark of every stream, so the caller can commit offsets behind it.
    /// </summary>
    [Alias("Flush")]
    Task<FlushReport> FlushAsync();

    /// <summary>
    /// Runs the time-driven work due now (expiring points and their reminders,
    /// re-qualification and downgrades) and hands out what is pending. The grain's durable
    /// reminder calls it; admin tools and tests may too.
    /// </summary>
    [Alias("Advance")]
    Task AdvanceAsync();

    /// <summary>The customer's current state with figures derived as of now.</summary>
    [Alias("GetView"), ReadOnly]
    Task<CustomerView> GetViewAsync();
}

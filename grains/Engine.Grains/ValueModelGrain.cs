using Engine.Contracts;
using Engine.Domain.Value.Model;

namespace Engine.Grains;

/// <summary>Keeps <see cref="ValueModelHistory"/>; a publish is written before it returns.</summary>
public sealed class ValueModelGrain(
    [PersistentState("models", StorageNames.Customers)] IPersistentState<ValueModelHistory> history) : Grain, IValueModelGrain
{
    public async Task<ValueModel> PublishAsync(ValueModel fitted)
    {
        var published = history.State.Publish(fitted);
        try
        {
            await history.WriteStateAsync();
        }
        catch
        {
            // Not durable: the next activation reads what is, and the caller may publish again.
            DeactivateOnIdle();
            throw;
        }

        return published;
    }

    public Task<ValueModel?> GetCurrentAsync() => Task.FromResult(history.State.Current);

    public Task<IReadOnlyList<ValueModel>> GetHistoryAsync() => Task.FromResult<IReadOnlyList<ValueModel>>([.. history.State.Versions]);
}

using Engine.Domain.Value.Model;
using Orleans.Concurrency;

namespace Engine.Contracts;

/// <summary>
/// The value model in use: fitted offline (<c>engine-admin model fit</c>), published here with
/// the next version number, and read by every silo's model cache. One for the engine: <see cref="Key"/>.
/// </summary>
[Alias("engine.IValueModelGrain")]
public interface IValueModelGrain : IGrainWithStringKey
{
    const string Key = "value";

    /// <summary>Stores the fit as the next version (durable before it returns) and returns it with its version.</summary>
    [Alias("Publish")]
    Task<ValueModel> PublishAsync(ValueModel fitted);

    /// <summary>The version in use, or null before the first fit.</summary>
    [Alias("GetCurrent"), ReadOnly]
    Task<ValueModel?> GetCurrentAsync();

    /// <summary>The versions kept, newest last.</summary>
    [Alias("GetHistory"), ReadOnly]
    Task<IReadOnlyList<ValueModel>> GetHistoryAsync();
}

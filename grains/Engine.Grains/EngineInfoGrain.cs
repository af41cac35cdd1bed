using Engine.Contracts;
using Orleans.Concurrency;

namespace Engine.Grains;

/// <summary>Answers from the silo's own configuration; any silo can answer.</summary>
[StatelessWorker]
public sealed class EngineInfoGrain(EngineInfo info) : Grain, IEngineInfoGrain
{
    public Task<EngineInfo> GetInfoAsync() => Task.FromResult(info);
}

using Engine.Contracts;

namespace Engine.Grains;

/// <summary>Holds a silo's last status report in memory (no storage: the silo reports again within seconds).</summary>
public sealed class SiloStatusGrain : Grain, ISiloStatusGrain
{
    private SiloStatusReport? _last;

    public Task ReportAsync(SiloStatusReport report)
    {
        if (_last is null || report.ReportedAt >= _last.ReportedAt)
        {
            _last = report;
        }

        return Task.CompletedTask;
    }

    public Task<SiloStatusReport?> GetAsync() => Task.FromResult(_last);
}

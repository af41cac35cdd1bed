using System.CommandLine;
using Engine.Client.Rendering;
using Engine.Contracts;
using Orleans.Runtime;
using Spectre.Console;

namespace Engine.Client.Commands;

/// <summary>
/// <c>status [--json]</c>: the cluster's silos (membership), whether each is ready, the
/// partitions each consumes with their lag. Exits 1 when an active silo is not ready (or has
/// not reported recently), so a script can wait on it.
/// </summary>
public static class StatusCommand
{
    // Silos report every 5 s: three missed reports make one stale.
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(15);

    public static Command Create(EngineAddressOptions engine)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables" };
        var command = new Command("status", "Show the cluster: each silo's membership status and readiness, the partitions it consumes and their lag. Exit code 1 when an active silo is not ready.") { json };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var answer = await GrainCall.AskAsync("status", engine.Read(parseResult), client => ReadAsync(client, cancellationToken), cancellationToken);
            if (!answer.Succeeded)
            {
                return answer.ExitCode;
            }

            var report = answer.Value!;
            await ReportOutput.WriteAsync(report, parseResult.GetValue(json), ClusterStatusRenderer.Render);

            return report.AllReady ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }

    private static async Task<ClusterStatusReport> ReadAsync(IClusterClient client, CancellationToken cancellationToken)
    {
        var hosts = await client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false, cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var rows = new List<SiloStatusRow>();
        foreach (var host in hosts.Where(h => h.Status is SiloStatus.Active or SiloStatus.Joining or SiloStatus.ShuttingDown or SiloStatus.Stopping)
            .OrderBy(h => h.SiloName, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = host.SiloAddress.ToParsableString();
            var last = await client.GetGrain<ISiloStatusGrain>(key).GetAsync();
            var stale = last is null || now - last.ReportedAt > StaleAfter;
            rows.Add(new SiloStatusRow(
                key,
                host.SiloName ?? "",
                host.Status.ToString().ToLowerInvariant(),
                host.StartTime == default ? null : new DateTimeOffset(DateTime.SpecifyKind(host.StartTime, DateTimeKind.Utc)),
                last?.Ready,
                last?.Problem,
                last?.ReportedAt,
                stale,
                last?.EventsApplied,
                last?.Partitions.Sum(p => p.Lag),
                last?.Partitions ?? []));
        }

        return new ClusterStatusReport(now, rows);
    }
}

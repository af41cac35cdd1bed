using System.CommandLine;
using Engine.Client.Rendering;
using Engine.Contracts;
using Spectre.Console;

namespace Engine.Client.Commands;

/// <summary>
/// <c>projection rebuild [--json]</c>: recomputes every customer's projection row from the stored
/// states, with a progress bar; exit code 1 when the rebuild failed.
/// </summary>
public static class ProjectionCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static Command Create(EngineAddressOptions engine)
    {
        var projection = new Command("projection", "The customer projection the fleet questions read (tiers, segments, customers top|count, customer find).");
        var json = CustomersCommand.JsonOption();
        var rebuild = new Command(
            "rebuild",
            "Recompute every customer's projection row from the stored customer states, as of now, and remove rows without a state. "
            + "Runs in the silo; a rebuild already running is followed rather than started again.")
        {
            json,
        };
        rebuild.SetAction(async (parse, cancellationToken) =>
        {
            var asJson = parse.GetValue(json);
            var answer = await GrainCall.AskAsync("projection rebuild", engine.Read(parse), async client =>
            {
                var grain = client.GetGrain<ICustomerProjectionGrain>(ICustomerProjectionGrain.Key);
                var progress = await grain.StartRebuildAsync();
                return asJson || Console.IsOutputRedirected
                    ? await FollowAsync(grain, progress, _ => { }, cancellationToken)
                    : await FollowWithBarAsync(grain, progress, cancellationToken);
            }, cancellationToken);
            if (!answer.Succeeded)
            {
                return answer.ExitCode;
            }

            var result = answer.Value!;
            if (asJson)
            {
                await Console.Out.WriteLineAsync(ReportJson.Serialize(result));
            }
            else if (result.Error is null)
            {
                AnsiConsole.MarkupLine(
                    $"Rebuilt {DisplayFormat.Count(result.Done)} customer rows, removed {DisplayFormat.Count(result.Removed)}, in {(result.FinishedAt!.Value - result.StartedAt).TotalSeconds:0.0} s.");
            }

            if (result.Error is { } error)
            {
                await Console.Error.WriteLineAsync($"projection rebuild failed: {error}");
                return ExitCodes.Failed;
            }

            return ExitCodes.Success;
        });
        projection.Add(rebuild);
        return projection;
    }

    private static async Task<RebuildProgress> FollowWithBarAsync(ICustomerProjectionGrain grain, RebuildProgress started, CancellationToken cancellationToken)
    {
        RebuildProgress last = started;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("customers");
                last = await FollowAsync(grain, started, progress =>
                {
                    task.MaxValue = Math.Max(1, progress.Total);
                    task.Value = progress.Done;
                }, cancellationToken);
                task.Value = task.MaxValue;
            });
        return last;
    }

    private static async Task<RebuildProgress> FollowAsync(ICustomerProjectionGrain grain, RebuildProgress progress, Action<RebuildProgress> show, CancellationToken cancellationToken)
    {
        while (progress.Running)
        {
            show(progress);
            await Task.Delay(PollInterval, cancellationToken);
            progress = await grain.GetRebuildAsync() ?? progress;
        }

        show(progress);
        return progress;
    }
}

using Microsoft.Extensions.Logging;

namespace Engine.Grains.Projection;

/// <summary>
/// Runs one projection rebuild at a time in this silo, in the background: a rebuild of a
/// million customers takes minutes, longer than any grain call may wait. Keeps the latest
/// progress for the admin client to poll.
/// </summary>
public sealed partial class ProjectionRebuilds(ICustomerProjection projection, TimeProvider time, ILogger<ProjectionRebuilds> logger)
{
    private readonly Lock _lock = new();
    private Contracts.RebuildProgress? _current;

    public Contracts.RebuildProgress? Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>Starts a rebuild unless one is running; returns the progress of the one running.</summary>
    public Contracts.RebuildProgress Start()
    {
        lock (_lock)
        {
            if (_current is { Running: true } running)
            {
                return running;
            }

            var started = new Contracts.RebuildProgress(time.GetUtcNow(), 0, 0, null, null);
            _current = started;
            _ = Task.Run(() => RunAsync(started.StartedAt));
            return started;
        }
    }

    private async Task RunAsync(DateTimeOffset startedAt)
    {
        try
        {
            var result = await projection.RebuildAsync((done, total) => Report(p => p with { Done = done, Total = total }), CancellationToken.None);
            Report(p => p with { Done = result.Done, Total = result.Total, Removed = result.Removed, FinishedAt = time.GetUtcNow() });
            LogRebuilt(logger, result.Done, result.Removed, (time.GetUtcNow() - startedAt).TotalSeconds);
        }
        catch (Exception ex)
        {
            Report(p => p with { FinishedAt = time.GetUtcNow(), Error = $"{ex.GetType().Name}: {ex.Message}" });
            LogRebuildFailed(logger, ex);
        }
    }

    private void Report(Func<Contracts.RebuildProgress, Contracts.RebuildProgress> change)
    {
        lock (_lock)
        {
            _current = change(_current!);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Customer projection rebuilt: {Rows} rows recomputed, {Removed} removed, in {Seconds:F1} s")]
    private static partial void LogRebuilt(ILogger logger, long rows, long removed, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Customer projection rebuild failed")]
    private static partial void LogRebuildFailed(ILogger logger, Exception error);
}

using Engine.Contracts;
using Engine.Grains;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Value;

/// <summary>
/// Reads the published value model into <see cref="CurrentValueModel"/> at start and every
/// <see cref="ValueModelOptions.RefreshInterval"/>. A failed read keeps the model it has (the
/// forecasts stay on the previous version, which says so) and tries again at the next tick.
/// </summary>
public sealed partial class ValueModelRefresh(
    IGrainFactory grains,
    CurrentValueModel current,
    IOptions<ValueModelOptions> options,
    TimeProvider time,
    ILogger<ValueModelRefresh> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        do
        {
            await RefreshAsync();
        }
        while (await Engine.Silo.Hosting.PeriodicTicks.NextAsync(timer, stoppingToken));
    }

    /// <summary>One read of the published model; true when it succeeded.</summary>
    public async Task<bool> RefreshAsync()
    {
        try
        {
            var published = await grains.GetGrain<IValueModelGrain>(IValueModelGrain.Key).GetCurrentAsync();
            if (current.Update(published, time.GetUtcNow()) && published is not null)
            {
                LogModelLoaded(logger, published.Version, published.FittedAt);
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRefreshFailed(logger, ex.GetType().Name, current.Model?.Version);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Value model version {Version} (fitted {FittedAt:O}) in use")]
    private static partial void LogModelLoaded(ILogger logger, int version, DateTimeOffset fittedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the published value model failed ({ErrorType}); still using version {Version}")]
    private static partial void LogRefreshFailed(ILogger logger, string errorType, int? version);
}

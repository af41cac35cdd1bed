namespace Engine.Silo.Hosting;

/// <summary>The wait of the silo's periodic services: the next tick, or false once the host stops.</summary>
public static class PeriodicTicks
{
    public static async Task<bool> NextAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

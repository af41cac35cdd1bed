using System.Diagnostics;

namespace Engine.Testing;

/// <summary>Waits for a condition by polling it, never by sleeping a fixed time.</summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        T last = await probe();
        while (!done(last))
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0}s waiting for {what}; last value: {last}");
            }

            await Task.Delay(PollInterval);
            last = await probe();
        }

        return last;
    }

    public static Task Until(Func<bool> condition, TimeSpan timeout, string what) =>
        Until(() => Task.FromResult(condition()), done => done, timeout, what);
}

using System.Diagnostics.Metrics;

namespace Engine.Benchmarks;

/// <summary>
/// Counts Orleans application requests (grain calls, storage-grain calls included) from the
/// silo's own "orleans-app-requests-latency" instrument: one sample per completed call. It
/// tells how many calls a row made without touching the silo.
/// </summary>
internal static class OrleansRequests
{
    private const string Instrument = "orleans-app-requests-latency";
    private static readonly MeterListener Listener = new();
    private static long _count;

    /// <summary>Calls completed since <see cref="Start"/>.</summary>
    public static long Count => Interlocked.Read(ref _count);

    public static void Start()
    {
        Listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == Instrument && instrument.Meter.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        Listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _count));
        Listener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _count));
        Listener.SetMeasurementEventCallback<int>((_, _, _, _) => Interlocked.Increment(ref _count));
        Listener.Start();
    }
}

using System.Globalization;
using Engine.Contracts;

namespace Engine.Client.Kafka;

/// <summary>
/// Counts what happened to the input: delivered per destination, skipped, failed.
/// Deliveries are confirmed on librdkafka's thread, hence the interlocked counts.
/// </summary>
public sealed class ProduceTally(params string[] destinations)
{
    private readonly int[] _delivered = new int[destinations.Length];
    private int _skipped;
    private int _failed;

    /// <summary>A tally per event stream; see <see cref="DestinationOf"/>.</summary>
    public static ProduceTally ByEventStream() => new([.. EventStreams.All.Select(stream => stream.ToString().ToLowerInvariant())]);

    /// <summary>The destination of an event stream in a <see cref="ByEventStream"/> tally.</summary>
    public static int DestinationOf(EventStream stream) => (int)stream;

    public int Delivered => _delivered.Sum();
    public int Skipped => Volatile.Read(ref _skipped);
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>True when every line reached Kafka.</summary>
    public bool IsComplete => Skipped == 0 && Failed == 0;

    public void RecordDelivered(int destination) => Interlocked.Increment(ref _delivered[destination]);

    public void RecordFailed(int count = 1) => Interlocked.Add(ref _failed, count);

    public void RecordSkipped() => Interlocked.Increment(ref _skipped);

    /// <summary>e.g. "produced 120 events (purchases 20, clicks 90, customers 10); 2 lines skipped; 0 failed".</summary>
    public string Summary()
    {
        var perDestination = string.Join(", ", destinations.Select((name, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{name} {Volatile.Read(ref _delivered[i])}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"produced {Delivered} {Plural(Delivered, "event", "events")} ({perDestination}); {Skipped} {Plural(Skipped, "line", "lines")} skipped; {Failed} failed");
    }

    private static string Plural(int count, string one, string many) => count == 1 ? one : many;
}

using System.Globalization;

namespace Engine.Client.Rendering;

/// <summary>Orders "topic/partition" stream names by topic, then by partition number (2 before 15).</summary>
public sealed class StreamOrder : IComparer<string>
{
    public static readonly StreamOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        var (xTopic, xPartition) = Split(x ?? "");
        var (yTopic, yPartition) = Split(y ?? "");
        var byTopic = string.CompareOrdinal(xTopic, yTopic);
        return byTopic != 0 ? byTopic : xPartition != yPartition ? xPartition.CompareTo(yPartition) : string.CompareOrdinal(x, y);
    }

    private static (string Topic, int Partition) Split(string stream)
    {
        var slash = stream.LastIndexOf('/');
        return slash >= 0 && int.TryParse(stream.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            ? (stream[..slash], partition)
            : (stream, -1);
    }
}

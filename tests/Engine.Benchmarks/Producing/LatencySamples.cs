namespace Engine.Benchmarks.Producing;

/// <summary>The latency probe's samples, read back from the simulated clients' file.</summary>
internal sealed class LatencySamples(IReadOnlyList<(long CommittedAt, double Seconds)> samples)
{
    public static LatencySamples Empty { get; } = new([]);

    public static LatencySamples Load(string path)
    {
        if (!File.Exists(path))
        {
            return Empty;
        }

        var samples = new List<(long, double)>();
        using var reader = new BinaryReader(File.OpenRead(path));
        while (reader.BaseStream.Position < reader.BaseStream.Length)
        {
            samples.Add((reader.ReadInt64(), reader.ReadDouble()));
        }

        return new LatencySamples(samples);
    }

    /// <summary>Latencies (seconds) of the events whose commit was seen within (<paramref name="from"/>, <paramref name="to"/>], Stopwatch timestamps.</summary>
    public double[] Between(long from, long to) => [.. samples.Where(s => s.CommittedAt > from && s.CommittedAt <= to).Select(s => s.Seconds)];
}

using System.Globalization;
using Prometheus;

namespace Engine.Benchmarks;

/// <summary>
/// One unlabelled Prometheus histogram as the silo exports it (cumulative bucket counts, sum,
/// count), read from the registry's text exposition. The difference of two snapshots is the
/// observations in between; quantiles are interpolated within buckets the way PromQL's
/// <c>histogram_quantile</c> does, so they are only as fine as the buckets.
/// </summary>
internal sealed record HistogramSnapshot(IReadOnlyList<(double UpperBound, double Cumulative)> Buckets, double Sum, double Count)
{
    public static readonly HistogramSnapshot Empty = new([], 0, 0);

    public static async Task<HistogramSnapshot> ReadAsync(CollectorRegistry registry, string name)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        stream.Position = 0;
        using var reader = new StreamReader(stream);
        var buckets = new List<(double, double)>();
        double sum = 0, count = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(name + "_bucket{le=\"", StringComparison.Ordinal))
            {
                var boundStart = name.Length + "_bucket{le=\"".Length;
                var boundEnd = line.IndexOf('"', boundStart);
                var bound = line[boundStart..boundEnd] == "+Inf" ? double.PositiveInfinity : Parse(line[boundStart..boundEnd]);
                buckets.Add((bound, Parse(line[(line.LastIndexOf(' ') + 1)..])));
            }
            else if (line.StartsWith(name + "_sum ", StringComparison.Ordinal))
            {
                sum = Parse(line[(name.Length + 5)..]);
            }
            else if (line.StartsWith(name + "_count ", StringComparison.Ordinal))
            {
                count = Parse(line[(name.Length + 7)..]);
            }
        }

        return new HistogramSnapshot(buckets, sum, count);
    }

    /// <summary>Observations made after <paramref name="earlier"/>.</summary>
    public HistogramSnapshot Minus(HistogramSnapshot earlier) => new(
        [.. Buckets.Select(b => (b.UpperBound, b.Cumulative - (earlier.Buckets.FirstOrDefault(e => e.UpperBound == b.UpperBound).Cumulative)))],
        Sum - earlier.Sum,
        Count - earlier.Count);

    public double Mean => Count > 0 ? Sum / Count : double.NaN;

    /// <summary>Linear interpolation inside the bucket holding the rank; NaN without observations.</summary>
    public double Quantile(double q)
    {
        if (Count <= 0 || Buckets.Count == 0)
        {
            return double.NaN;
        }

        var rank = q * Count;
        double lowerBound = 0, lowerCount = 0;
        foreach (var (upper, cumulative) in Buckets)
        {
            if (cumulative >= rank)
            {
                if (double.IsPositiveInfinity(upper))
                {
                    return lowerBound;
                }

                var inBucket = cumulative - lowerCount;
                return inBucket <= 0 ? upper : lowerBound + (upper - lowerBound) * (rank - lowerCount) / inBucket;
            }

            lowerBound = upper;
            lowerCount = cumulative;
        }

        return lowerBound;
    }

    /// <summary>The bucket holding quantile <paramref name="q"/>, e.g. "10–30 s".</summary>
    public string BucketOf(double q)
    {
        if (Count <= 0)
        {
            return "";
        }

        var rank = q * Count;
        double lower = 0;
        foreach (var (upper, cumulative) in Buckets)
        {
            if (cumulative >= rank)
            {
                return $"{lower.ToString(CultureInfo.InvariantCulture)}–{(double.IsPositiveInfinity(upper) ? "∞" : upper.ToString(CultureInfo.InvariantCulture))} s";
            }

            lower = upper;
        }

        return "";
    }

    private static double Parse(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}

using System.Globalization;
using Engine.Domain.Value.Model;

namespace Engine.Domain.Tests;

/// <summary>
/// The CDNOW data sets the value-model papers use, read where the team keeps them
/// (../shared/data/cdnow beside the repository), never copied into it.
/// </summary>
internal static class CdnowData
{
    public static string Directory { get; } = Find();

    /// <summary>The 1/10th sample's 2,357 customers (x, tₓ, T in weeks), with the repeat buyers' mean repeat value where known.</summary>
    public static IReadOnlyList<PurchaseSummary> Summary()
    {
        var values = File.ReadLines(Path.Combine(Directory, "cdnow_customers_summary_with_transactions.csv")).Skip(1)
            .Select(line => line.Split(','))
            .ToDictionary(f => f[0], f => Number(f[4]));
        return [.. File.ReadLines(Path.Combine(Directory, "cdnow_customers_summary.csv")).Skip(1)
            .Select(line => line.Split(','))
            .Select(f => new PurchaseSummary(int.Parse(f[1], CultureInfo.InvariantCulture), Number(f[2]), Number(f[3]), values.GetValueOrDefault(f[0])))];
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Engine.sln")))
        {
            directory = directory.Parent;
        }

        var root = directory?.FullName ?? throw new InvalidOperationException("Engine.sln not found above " + AppContext.BaseDirectory);
        var cdnow = Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "cdnow"));
        return System.IO.Directory.Exists(cdnow)
            ? cdnow
            : throw new DirectoryNotFoundException($"The CDNOW data is expected at {cdnow} (../shared beside the repository, as in CI).");
    }
}

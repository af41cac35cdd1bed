using System.Diagnostics;
using System.Globalization;
using Engine.Domain.Value.Model;

namespace Engine.Benchmarks;

/// <summary>
/// Row 6: fitting the value model to CDNOW's full transaction log (../shared/data/cdnow/CDNOW_master.txt,
/// 23,570 customers), as <c>model fit</c> does: reading the log, building the summaries, each
/// model's fit (iterations of the optimiser and likelihood evaluations), the population ranks,
/// and the parameters found. Run alone: <c>dotnet Engine.Benchmarks.dll value-model-fit</c>.
/// </summary>
internal static class ValueModelFitRow
{
    public const string Command = "value-model-fit";

    private static readonly DateOnly CalibrationEnd = new(1997, 9, 30);

    public static int Run()
    {
        var file = Path.GetFullPath(Path.Combine(Root(), "..", "shared", "data", "cdnow", "CDNOW_master.txt"));
        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"The CDNOW log is expected at {file} (../shared beside the repository).");
            return 2;
        }

        var started = Stopwatch.GetTimestamp();
        // A header line, then: master id, yyyymmdd, CDs, value
        var log = File.ReadLines(file).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 3)
            .Select(f => new Transaction(f[0], DateOnly.ParseExact(f[1], "yyyyMMdd", CultureInfo.InvariantCulture), decimal.Parse(f[3], CultureInfo.InvariantCulture)))
            .ToList();
        var read = Stopwatch.GetElapsedTime(started);

        started = Stopwatch.GetTimestamp();
        var summaries = PurchaseSummaries.From(log, CalibrationEnd, 7).Values.ToList();
        var summarising = Stopwatch.GetElapsedTime(started);

        var (purchases, purchasesTime) = Timed(summaries, BgNbdModel.Fit);
        var (spend, spendTime) = Timed(summaries, GammaGammaModel.Fit);

        started = Stopwatch.GetTimestamp();
        var model = new ValueModel(1, DateTimeOffset.UtcNow, 7, purchases.Parameters, spend.Parameters, "CDNOW_master.txt", summaries.Count, purchases.LogLikelihood, spend.LogLikelihood);
        var ranks = PopulationRanks.From(log, CalibrationEnd, model, new ValueForecastOptions(), model.FittedAt);
        var ranking = Stopwatch.GetElapsedTime(started);

        Console.WriteLine($"Value model fit over CDNOW_master.txt: {log.Count:N0} transactions, {summaries.Count:N0} customers, calibration to {CalibrationEnd:yyyy-MM-dd}, weeks");
        Console.WriteLine();
        Console.WriteLine("| Step | Seconds | Iterations | Likelihood evaluations | Result |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine($"| read the log | {read.TotalSeconds:F2} | | | {log.Count:N0} transactions |");
        Console.WriteLine($"| purchase summaries | {summarising.TotalSeconds:F2} | | | {summaries.Count(s => s.Frequency > 0):N0} repeat buyers |");
        Console.WriteLine($"| BG/NBD fit | {purchasesTime.TotalSeconds:F2} | {purchases.Iterations:N0} | {purchases.Evaluations:N0} | r {purchases.Parameters.R:F3}, α {purchases.Parameters.Alpha:F3}, a {purchases.Parameters.A:F3}, b {purchases.Parameters.B:F3}; LL {purchases.LogLikelihood:F1}, converged {purchases.Converged} |");
        Console.WriteLine($"| Gamma-Gamma fit | {spendTime.TotalSeconds:F2} | {spend.Iterations:N0} | {spend.Evaluations:N0} | p {spend.Parameters.P:F3}, q {spend.Parameters.Q:F3}, γ {spend.Parameters.Gamma:F3}; LL {spend.LogLikelihood:F1}, converged {spend.Converged} |");
        Console.WriteLine($"| population ranks (RFM quintiles, 99 CLV percentiles) | {ranking.TotalSeconds:F2} | | | CLV 80th percentile {ranks.ClvPercentiles[79]:F2} |");
        return purchases.Converged && spend.Converged ? 0 : 1;
    }

    private static (ModelFit<T> Fit, TimeSpan Time) Timed<T>(List<PurchaseSummary> summaries, Func<IReadOnlyList<PurchaseSummary>, ModelFit<T>> fit)
    {
        var started = Stopwatch.GetTimestamp();
        var result = fit(summaries);
        return (result, Stopwatch.GetElapsedTime(started));
    }

    private static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Engine.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Engine.sln not found above " + AppContext.BaseDirectory);
    }
}

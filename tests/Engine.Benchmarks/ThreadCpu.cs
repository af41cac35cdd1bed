using System.Globalization;

namespace Engine.Benchmarks;

/// <summary>
/// CPU time of this process's threads, grouped by thread name with digits dropped
/// (<c>rdk:broker17</c> → <c>rdk:broker</c>, the thread pool's workers together), read from
/// /proc/self/task. Threads that ended between two snapshots take their time with them, so
/// the groups are a profile of where the time goes, not an exact split.
/// </summary>
internal sealed record ThreadCpu(IReadOnlyDictionary<string, TimeSpan> ByGroup)
{
    public static ThreadCpu Empty { get; } = new(new Dictionary<string, TimeSpan>());

    public static ThreadCpu Take()
    {
        var groups = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                string text;
                try
                {
                    text = File.ReadAllText(Path.Combine(task, "stat"));
                }
                catch (IOException)
                {
                    continue;
                }

                var open = text.IndexOf('(', StringComparison.Ordinal);
                var close = text.LastIndexOf(')');
                if (open < 0 || close < open)
                {
                    continue;
                }

                var name = Describe(new string([.. text[(open + 1)..close].Where(c => !char.IsDigit(c))]).Trim());
                groups[name] = groups.GetValueOrDefault(name) + CpuOf(text);
            }
        }
        catch (DirectoryNotFoundException)
        {
            return Empty;
        }

        return new ThreadCpu(groups);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a thread of its own and returns that thread's CPU time
    /// (user and system, from /proc/thread-self/stat in USER_HZ: 10 ms resolution).
    /// </summary>
    public static TimeSpan OfThread(Action work)
    {
        var cpu = TimeSpan.Zero;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            var start = CurrentThread();
            try
            {
                work();
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            cpu = CurrentThread() - start;
        })
        { Name = "measured", IsBackground = true };
        thread.Start();
        thread.Join();
        return failure is null ? cpu : throw new InvalidOperationException("the measured work failed", failure);
    }

    private static TimeSpan CurrentThread() => CpuOf(File.ReadAllText("/proc/thread-self/stat"));

    /// <summary>User plus system time of one /proc task's stat line.</summary>
    private static TimeSpan CpuOf(string stat)
    {
        // After "pid (comm)": [11] utime, [12] stime, in USER_HZ (100 on Linux).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    // Linux keeps 15 characters of a thread's name: say what the well-known ones are.
    private static string Describe(string name) => name switch
    {
        ".NET Long Runni" => "long-running tasks (ingestion loop)",
        ".NET TP Worker" => "thread pool (grains, Npgsql)",
        ".NET Tiered Com" => "JIT (tiered compilation)",
        ".NET Server GC" or ".NET BGC" => "GC",
        "rdk:mock" => "embedded broker (librdkafka mock)",
        "rdk:broker" or "rdk:main" => "Kafka clients (librdkafka)",
        _ => name,
    };

    /// <summary>The busiest groups between <paramref name="start"/> and this snapshot, as cores kept busy over <paramref name="elapsed"/>.</summary>
    public IEnumerable<(string Group, double Cores)> Since(ThreadCpu start, TimeSpan elapsed, int top) =>
        ByGroup
            .Select(g => (Group: g.Key, Cores: Math.Max(0, (g.Value - start.ByGroup.GetValueOrDefault(g.Key)).TotalSeconds) / Math.Max(1e-9, elapsed.TotalSeconds)))
            .Where(g => g.Cores >= 0.005)
            .OrderByDescending(g => g.Cores)
            .Take(top);
}

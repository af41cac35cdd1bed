using System.Globalization;

namespace Engine.Testing.Postgres;

/// <summary>CPU time of a Linux process and its children, read from /proc.</summary>
internal static class ProcessTreeCpu
{
    /// <summary>
    /// The parent, its live children, and the children it has already reaped (for PostgreSQL:
    /// a backend that closed its connection). Zero when /proc cannot tell.
    /// </summary>
    public static TimeSpan Of(int parent)
    {
        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            var fields = ReadStat(pid);
            if (fields is null)
            {
                continue;
            }

            // After "pid (comm)": [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime.
            if (pid == parent)
            {
                ticks += Field(fields, 11) + Field(fields, 12) + Field(fields, 13) + Field(fields, 14);
            }
            else if (Field(fields, 1) == parent)
            {
                ticks += Field(fields, 11) + Field(fields, 12);
            }
        }

        // /proc counts in USER_HZ, 100 on Linux.
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    private static string[]? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may hold spaces; the fields after it are plain numbers.
            var close = text.LastIndexOf(')');
            return close < 0 ? null : text[(close + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long Field(string[] fields, int index) =>
        index < fields.Length && long.TryParse(fields[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
}

using System.Globalization;
using System.Text.RegularExpressions;
using Engine.Integration.Tests.Processes;
using Engine.Testing;
using Engine.Testing.Postgres;

namespace Engine.Integration.Tests;

/// <summary>
/// Stopping the silo as an operator does (SIGTERM) while it is under load on PostgreSQL,
/// with the embedded broker and the demo stream producing into it: the process exits 0, and
/// nothing on the way down fails (no deactivation write, reminder, SMS send or Kafka client
/// used after what it needs is gone, no native abort).
/// </summary>
[Trait("Category", "EndToEnd")]
[Trait("Load", "Heavy")]
public sealed partial class ShutdownTests
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_silo_stopped_under_load_commits_what_it_applied_and_exits_cleanly()
    {
        var shutdown = await StopUnderLoadAsync(new Dictionary<string, string>());

        AssertClean(shutdown, allowed: _ => false);
        Assert.Contains(shutdown.Entries, e => e.Level == "info" && e.Text.Contains("Final checkpoint committed every applied event", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_final_checkpoint_out_of_time_leaves_the_rest_for_redelivery_and_still_exits_cleanly()
    {
        // No time at all: every customer still holds unsaved events when its grain deactivates.
        var shutdown = await StopUnderLoadAsync(new Dictionary<string, string> { ["Ingestion__FinalCheckpointTimeout"] = "00:00:00" });

        AssertClean(shutdown, allowed: e => e.Text.Contains("Final checkpoint left", StringComparison.Ordinal));
        Assert.Contains(shutdown.Entries, e => e.Level == "warn" && e.Text.Contains("Final checkpoint left", StringComparison.Ordinal));
    }

    private static async Task<Shutdown> StopUnderLoadAsync(Dictionary<string, string> overrides)
    {
        var postgres = await PostgresServer.StartForTestsAsync();
        var smsOutbox = Path.Combine(Path.GetTempPath(), $"shutdown-sms-{Guid.NewGuid():N}.jsonl");
        try
        {
            var database = await postgres.CreateDatabaseAsync();
            var settings = new Dictionary<string, string>
            {
                ["Storage__Provider"] = "postgres",
                ["Sms__Numbers__Key"] = TestNumberKey.Value,
                ["Storage__ApplySchema"] = "true",
                ["Storage__ConnectionString"] = database.ConnectionString,
                ["Demo__Enabled"] = "true",
                ["Demo__Customers"] = "5000",
                ["Demo__EventsPerSecond"] = "1500",
                ["Sms__Gateway__File__Path"] = smsOutbox,
                // A customer's first order upgrades it, so tier changes are published and SMS
                // queue up for one dispatcher worker: both have work in hand at the stop.
                ["Loyalty__Tiers__0__Name"] = "Member",
                ["Loyalty__Tiers__1__Name"] = "Silver",
                ["Loyalty__Tiers__1__MinOrders"] = "1",
                ["Loyalty__Tiers__2__Name"] = "Gold",
                ["Loyalty__Tiers__2__MinOrders"] = "3",
                ["Sms__Dispatch__Workers"] = "1",
                // Some customers have written (and registered their wake-up) before the stop,
                // most hold unsaved events when it comes.
                ["Ingestion__CheckpointInterval"] = "00:00:02",
                ["WriteBehind__MaxUnsavedAge"] = "00:00:05",
            };
            foreach (var (key, value) in overrides)
            {
                settings[key] = value;
            }

            await using var silo = await SiloProcess.StartAsync(settings);
            using var http = new HttpClient();
            await Eventually.Until(() => MetricsAsync(http, silo), m => m.Applied >= 15_000 && m.StateWrites > 0, TimeSpan.FromMinutes(3),
                "15000 events applied and some customers written");

            var exitCode = await silo.StopAsync(StopTimeout);
            return new Shutdown(exitCode, silo.Output);
        }
        finally
        {
            File.Delete(smsOutbox);
            await postgres.DisposeAsync();
        }
    }

    /// <summary>Exit code 0, no native abort, and from the stop on no error and no warning about what shutdown orders.</summary>
    private static void AssertClean(Shutdown shutdown, Func<LogEntry, bool> allowed)
    {
        Assert.True(shutdown.ExitCode == 0, $"exit code {shutdown.ExitCode}:\n{shutdown.Output}");
        Assert.DoesNotContain("Assertion", shutdown.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("ObjectDisposedException", shutdown.Output, StringComparison.Ordinal);
        Assert.Contains(shutdown.Entries, e => e.Text.Contains("Application is shutting down", StringComparison.Ordinal));

        var failures = shutdown.Entries
            .SkipWhile(e => !e.Text.Contains("Application is shutting down", StringComparison.Ordinal))
            .Where(e => e.Level is "fail" or "crit" || (e.Level == "warn" && IsAboutShutdownOrder(e)))
            .Where(e => !allowed(e))
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} errors or warnings while stopping, first ones:\n{string.Join("\n", failures.Take(5))}");
    }

    /// <summary>
    /// The engine's own warnings (deactivation writes, wake-up reminders, SMS dispatch, Kafka,
    /// checkpoints) and Orleans' about a stop cut short. Not Orleans' notes on how long a stage
    /// or a work item took, which a loaded machine produces in any phase.
    /// </summary>
    private static bool IsAboutShutdownOrder(LogEntry entry) =>
        entry.Category.StartsWith("Engine.", StringComparison.Ordinal)
        || (!SlowStageNote().IsMatch(entry.Text) && MentionsShutdownTrouble(entry.Text));

    private static bool MentionsShutdownTrouble(string text) =>
        text.Contains("cancel", StringComparison.OrdinalIgnoreCase)
        || text.Contains("non-graceful", StringComparison.OrdinalIgnoreCase)
        || text.Contains("deactivat", StringComparison.OrdinalIgnoreCase)
        || text.Contains("reminder", StringComparison.OrdinalIgnoreCase)
        || text.Contains("disposed", StringComparison.OrdinalIgnoreCase);

    private static async Task<(double Applied, double StateWrites)> MetricsAsync(HttpClient http, SiloProcess silo)
    {
        var metrics = await http.GetStringAsync(silo.BaseUrl + "/metrics");
        double Read(Regex line) => line.Match(metrics) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return (Read(AppliedLine()), Read(WritesLine()));
    }

    [GeneratedRegex(@"^engine_events_applied_total (\S+)$", RegexOptions.Multiline)]
    private static partial Regex AppliedLine();

    [GeneratedRegex(@"^engine_state_writes_total\{outcome=""succeeded""\} (\S+)$", RegexOptions.Multiline)]
    private static partial Regex WritesLine();

    [GeneratedRegex(@"^'[^']+' stopped in stage '[^']+' in '[^']+'\.$")]
    private static partial Regex SlowStageNote();

    [GeneratedRegex(@"^(trce|dbug|info|warn|fail|crit): (\S+?)(\[\d+\])?$")]
    private static partial Regex EntryStart();

    private sealed record LogEntry(string Level, string Category, string Text)
    {
        public override string ToString() => $"{Level}: {Category}: {Text}";
    }

    /// <summary>How the stop went: the exit code and the silo's console output, split into log entries.</summary>
    private sealed class Shutdown(int exitCode, string output)
    {
        public int ExitCode { get; } = exitCode;

        public string Output { get; } = output;

        public List<LogEntry> Entries { get; } = Parse(output);

        /// <summary>The simple console format: "level: Category[id]" and the message on the lines below.</summary>
        private static List<LogEntry> Parse(string output)
        {
            var entries = new List<LogEntry>();
            string? level = null, category = null;
            var text = new List<string>();
            foreach (var line in output.Split('\n'))
            {
                if (EntryStart().Match(line.TrimEnd('\r')) is { Success: true } start)
                {
                    Flush();
                    (level, category) = (start.Groups[1].Value, start.Groups[2].Value);
                }
                else
                {
                    text.Add(line.Trim());
                }
            }

            Flush();
            return entries;

            void Flush()
            {
                if (level is not null)
                {
                    entries.Add(new LogEntry(level, category!, string.Join(" ", text)));
                }

                text.Clear();
            }
        }
    }
}

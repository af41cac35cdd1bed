namespace Engine.Integration.Tests;

/// <summary>
/// The engine on an embedded broker for loading history: the file gateway writes every SMS it
/// is given to a file of its own, and any hour may text, so "nothing was sent" is a fact about
/// the gateway, not about the clock.
/// </summary>
public sealed class BackfillFixture() : EmbeddedEngineFixture(Partitions, "backfill-", new Dictionary<string, string?>
{
    ["Ingestion:CheckpointInterval"] = "00:00:01",
    ["WriteBehind:MaxUnsavedAge"] = "00:00:01",
    ["Ingestion:MaxBatchWait"] = "00:00:00.005",
    ["Sms:Gateway:Provider"] = "file",
    ["Sms:Gateway:File:Path"] = SmsFile,
    ["Sms:Policy:QuietHours:AllowedFrom"] = "00:00",
    ["Sms:Policy:QuietHours:AllowedUntil"] = "00:00",
})
{
    // The mock broker keeps about 5 MB per partition: 16 hold the whole CDNOW log.
    public const int Partitions = 16;

    public static readonly string SmsFile = Path.Combine(Path.GetTempPath(), $"backfill-sms-{Guid.NewGuid():N}.jsonl");

    /// <summary>The messages the gateway was given.</summary>
    public static IReadOnlyList<string> SentSms() => File.Exists(SmsFile) ? [.. File.ReadLines(SmsFile).Where(l => l.Length > 0)] : [];
}

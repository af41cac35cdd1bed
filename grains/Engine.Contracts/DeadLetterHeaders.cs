namespace Engine.Contracts;

/// <summary>
/// Headers the engine puts on a dead letter (docs/events.md, "Dead letters"), read back by the
/// admin client's <c>dlq</c> commands. The event's own headers follow them unchanged.
/// </summary>
public static class DeadLetterHeaders
{
    /// <summary>Every dead-letter header starts with this; a producer's headers never should.</summary>
    public const string Prefix = "dlq-";

    /// <summary>Why it was refused: the counted reason (invalid-json, out-of-range, apply-failed, ...).</summary>
    public const string Reason = "dlq-reason";

    /// <summary>The specific problem, in words (the field, the bound, the exception type).</summary>
    public const string Detail = "dlq-detail";

    public const string SourceTopic = "dlq-source-topic";

    public const string SourcePartition = "dlq-source-partition";

    public const string SourceOffset = "dlq-source-offset";

    /// <summary>When the engine refused it (ISO 8601, engine time).</summary>
    public const string RejectedAt = "dlq-rejected-at";

    /// <summary>On an event sent back by <c>dlq replay</c>: the dead letter it came from (partition:offset).</summary>
    public const string ReplayedFrom = "dlq-replayed-from";

    /// <summary>The headers the engine sets when it refuses an event (a replayed event's <see cref="ReplayedFrom"/> is the producer's).</summary>
    public static bool IsSetOnRefusal(string key) =>
        key is Reason or Detail or SourceTopic or SourcePartition or SourceOffset or RejectedAt;
}

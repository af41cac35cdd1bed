namespace Engine.Silo.Ingestion;

/// <summary>
/// The ingestion's log messages, in one place so every part logs them alike (under the
/// <see cref="KafkaIngestionService"/> category the service hands its parts).
/// </summary>
internal static partial class IngestionLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Ingestion started on {Topics}")]
    public static partial void LogStarted(this ILogger logger, string topics);

    [LoggerMessage(Level = LogLevel.Information, Message = "Assigned {Count} partitions")]
    public static partial void LogAssigned(this ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked {Count} partitions; handing them over after a final checkpoint")]
    public static partial void LogRevoked(this ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Handed over {Count} partitions in {Seconds:F1}s")]
    public static partial void LogHandedOver(this ILogger logger, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost {Count} partitions (another consumer may own them); they re-deliver from the last commit")]
    public static partial void LogLost(this ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected event at {Topic}[{Partition}]@{Offset}: {Reason} ({Detail})")]
    public static partial void LogRejected(this ILogger logger, string reason, string topic, int partition, long offset, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Customer grain call failed ({ErrorType}: {Error}); its partitions will be re-delivered")]
    public static partial void LogCallFailed(this ILogger logger, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying the event at {Topic}[{Partition}]@{Offset} threw {ErrorType} (attempt {Attempt} of {MaxAttempts}); its customer's partitions will be re-delivered")]
    public static partial void LogApplyFailed(this ILogger logger, string errorType, string topic, int partition, long offset, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rewinding {Topic}[{Partition}] to offset {Offset} ({Reason})")]
    public static partial void LogRewind(this ILogger logger, string topic, int partition, long offset, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checkpoint failed: {Failures} customer flushes failed (first: {Error}); ingestion paused, retrying in {DelaySeconds:F1}s")]
    public static partial void LogCheckpointFailed(this ILogger logger, int failures, string error, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "State storage is back; ingestion resumed")]
    public static partial void LogResumed(this ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Final checkpoint failed ({ErrorType}); uncommitted events will be re-delivered")]
    public static partial void LogShutdownCheckpointFailed(this ILogger logger, string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka: {Code} {Reason}")]
    public static partial void LogKafkaError(this ILogger logger, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka answers again")]
    public static partial void LogKafkaBack(this ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Final checkpoint committed every applied event ({Customers} customers flushed)")]
    public static partial void LogFinalCheckpoint(this ILogger logger, int customers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Final checkpoint left {Partitions} partitions behind their applied events ({Unasked} customers not written within Ingestion:FinalCheckpointTimeout {TimeoutSeconds:F0}s, {Failures} writes failed); those events are re-delivered at the next start")]
    public static partial void LogFinalCheckpointIncomplete(this ILogger logger, int partitions, int unasked, double timeoutSeconds, int failures);
}

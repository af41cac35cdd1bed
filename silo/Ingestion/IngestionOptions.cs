namespace Engine.Silo.Ingestion;

/// <summary>How the ingestion batches, checkpoints and backs off. Bound from "Ingestion".</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>Turns Kafka ingestion off (e.g. a silo that only serves admin calls).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most events read before the batch is handed to the grains.</summary>
    public int MaxBatchEvents { get; set; } = 1000;

    /// <summary>How long to keep filling a batch once its first event arrived.</summary>
    public TimeSpan MaxBatchWait { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Most events in one grain call; a customer with more gets several calls in order.</summary>
    public int MaxEventsPerCall { get; set; } = 256;

    /// <summary>
    /// How often touched customers are flushed and offsets committed. Longer means fewer
    /// state writes per event (each customer collects more events between writes) and more
    /// re-delivered (and skipped) events after a crash.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// At shutdown, how long the final checkpoint may write customers before it commits what
    /// it made durable. Customers it did not get to are re-delivered at the next start, as after
    /// a crash. The host's stop budget is at least this plus the silo's own stop (60 s).
    /// </summary>
    public TimeSpan FinalCheckpointTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Flush calls in flight at once during a checkpoint.</summary>
    public int FlushConcurrency { get; set; } = 256;

    /// <summary>Upper bounds on amounts, prices, quantities and lines (section Ingestion:Bounds).</summary>
    public EventBounds Bounds { get; set; } = new();

    /// <summary>Largest accepted message value.</summary>
    public int MaxEventBytes { get; set; } = EventParser.DefaultMaxEventBytes;

    /// <summary>First wait after a failed checkpoint; doubles (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times an event whose rules throw (the same exception type each time) is tried
    /// before it is dead-lettered as apply-failed.
    /// </summary>
    public int MaxApplyAttempts { get; set; } = 3;

    /// <summary>Wait before an event whose rules threw is tried again; doubles with each attempt.</summary>
    public TimeSpan ApplyRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the silo asks the broker for the consumer group's committed offsets and the
    /// partitions' ends (<c>engine_consumer_group_lag_messages</c>); zero turns it off.
    /// </summary>
    public TimeSpan GroupLagInterval { get; set; } = TimeSpan.FromSeconds(15);
}

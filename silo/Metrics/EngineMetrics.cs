using Prometheus;

namespace Engine.Silo.Metrics;

/// <summary>
/// The silo's Prometheus metrics, in a registry of its own so that several silos in one
/// test process keep separate counts. Labels are small fixed sets: never customer ids or
/// phone numbers.
/// </summary>
public sealed class EngineMetrics
{
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

    public EngineMetrics(Engine.Grains.CustomerStateWrites writes, Engine.Grains.LoyaltyStatistics loyalty, Engine.Grains.SmsStatistics sms, Storage.GrainState.GrainStateStatistics grainState,
        Engine.Grains.CartStatistics? cart = null, Engine.Grains.CurrentValueModel? valueModel = null, Engine.Grains.SegmentStatistics? segments = null,
        Storage.Projection.ProjectionFigures? projection = null)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        // Rows per transaction is the storage's group commit (PostgreSQL only; zero in memory).
        var stateTransactions = factory.CreateCounter("engine_state_write_transactions_total", "Grain state write transactions, by outcome.", "outcome");
        var stateRows = factory.CreateCounter("engine_state_write_rows_total", "Grain state rows written in committed transactions.");
        Registry.AddBeforeCollectCallback(() =>
        {
            stateTransactions.WithLabels("committed").IncTo(grainState.Transactions);
            stateTransactions.WithLabels("failed").IncTo(grainState.FailedTransactions);
            stateRows.IncTo(grainState.Rows);
        });

        var stateWrites = factory.CreateCounter("engine_state_writes_total", "Customer state writes to grain storage, by outcome.", "outcome");
        Registry.AddBeforeCollectCallback(() =>
        {
            stateWrites.WithLabels("succeeded").IncTo(writes.Succeeded);
            stateWrites.WithLabels("failed").IncTo(writes.Failed);
        });

        var points = factory.CreateCounter("engine_loyalty_points_total", "Loyalty points by movement (earned, redeemed, expired).", "movement");
        var tierChanges = factory.CreateCounter("engine_tier_changes_total", "Tier changes by from and to tier.", "from", "to");
        var customersPerTier = factory.CreateGauge("engine_customers_per_tier", "Customers with an active grain in this silo, by tier.", "tier");
        Registry.AddBeforeCollectCallback(() =>
        {
            points.WithLabels("earned").IncTo(loyalty.PointsEarned);
            points.WithLabels("redeemed").IncTo(loyalty.PointsRedeemed);
            points.WithLabels("expired").IncTo(loyalty.PointsExpired);
            foreach (var ((from, to), count) in loyalty.TierChanges)
            {
                tierChanges.WithLabels(from, to).IncTo(count);
            }

            foreach (var (tier, count) in loyalty.ActiveCustomersByTier)
            {
                customersPerTier.WithLabels(tier).Set(count);
            }
        });

        // Segment names come from configuration (a bounded set), so they may be labels.
        var segmentChanges = factory.CreateCounter("engine_segment_changes_total", "Segment membership changes published, by segment and direction (entered, left).", "segment", "direction");
        Registry.AddBeforeCollectCallback(() =>
        {
            foreach (var ((segment, direction), count) in segments?.Published ?? [])
            {
                segmentChanges.WithLabels(segment, direction).IncTo(count);
            }
        });

        var smsMessages = factory.CreateCounter("engine_sms_total", "SMS by trigger and outcome (sent, delivered, failed, retried, unknown, suppressed:<reason>, deferred:quiet-hours).", "trigger", "outcome");
        var smsStale = factory.CreateCounter("engine_sms_stale_total", "SMS suppressed as stale when they would have left, by trigger and reason (historical, too-late, tier-not-held, no-longer-qualifies, points-gone, cart-closed).", "trigger", "reason");
        var smsSegments = factory.CreateCounter("engine_sms_segments_total", "Message parts handed to the gateway.");
        var smsLong = factory.CreateCounter("engine_sms_long_messages_total", "Messages that took more than 2 parts (check the template).");
        var smsLatency = factory.CreateHistogram("engine_sms_send_latency_seconds", "Time from the decision to send an SMS to its hand-off to the gateway.",
            new HistogramConfiguration { Buckets = LatencyBuckets });
        Registry.AddBeforeCollectCallback(() =>
        {
            foreach (var ((trigger, outcome), count) in sms.Outcomes)
            {
                smsMessages.WithLabels(trigger, outcome).IncTo(count);
            }

            foreach (var ((trigger, reason), count) in sms.StaleReasons)
            {
                smsStale.WithLabels(trigger, reason).IncTo(count);
            }

            smsSegments.IncTo(sms.Segments);
            smsLong.IncTo(sms.LongMessages);
            while (sms.SendLatencies.TryDequeue(out var seconds))
            {
                smsLatency.Observe(seconds);
            }
        });

        CartMetrics.Register(factory, Registry, cart ?? new Engine.Grains.CartStatistics());
        ValueModelMetrics.Register(factory, Registry, valueModel ?? new Engine.Grains.CurrentValueModel());
        ProjectionMetrics.Register(factory, Registry, projection ?? new Storage.Projection.ProjectionFigures());

        var publishLatency = factory.CreateHistogram("engine_tier_change_publish_latency_seconds", "Time from the decision of a tier change (the event or the clock) to its record on the tier-change topic.",
            new HistogramConfiguration { Buckets = LatencyBuckets });
        Registry.AddBeforeCollectCallback(() =>
        {
            while (loyalty.PublishLatencies.TryDequeue(out var seconds))
            {
                publishLatency.Observe(seconds);
            }
        });

        EventsConsumed = factory.CreateCounter("engine_events_consumed_total", "Valid events read from Kafka, by event type.", "type");
        EventsRejected = factory.CreateCounter("engine_events_rejected_total", "Events refused and sent to the dead-letter topic, by reason.", "reason");
        EventsDuplicate = factory.CreateCounter("engine_events_duplicate_total", "Events skipped because they were already applied (replays, producer retries).");
        EventsApplied = factory.CreateCounter("engine_events_applied_total", "Events applied to customer state.");
        ApplyLatency = factory.CreateHistogram("engine_event_apply_latency_seconds", "Time from an event's timestamp to its application in the customer grain.",
            new HistogramConfiguration { LabelNames = ["since"], Buckets = LatencyBuckets });
        ConsumerLag = factory.CreateGauge("engine_consumer_lag_messages", "Messages in a partition not yet read by this silo.", "topic", "partition");
        GroupLag = factory.CreateGauge("engine_consumer_group_lag_messages", "Messages in a partition beyond the consumer group's committed offset, as the broker reports them (independent of this silo's ingestion loop).", "topic", "partition");
        GroupCommittedOffset = factory.CreateGauge("engine_consumer_group_committed_offset", "The consumer group's committed offset of a partition, as the broker reports it.", "topic", "partition");
        Checkpoints = factory.CreateCounter("engine_checkpoints_total", "Ingestion checkpoints (flush state, then commit offsets), by outcome.", "outcome");
        CheckpointDuration = factory.CreateHistogram("engine_checkpoint_duration_seconds", "Time to flush touched customers and commit offsets.",
            new HistogramConfiguration { Buckets = LatencyBuckets });
        Rewinds = factory.CreateCounter("engine_partition_rewinds_total", "Partitions sought back to their committed offset to re-deliver events, by reason.", "reason");
        var ingestionCalls = factory.CreateCounter("engine_ingestion_calls_total", "Event batches received by customer grains in this silo, by where their consumer ran (local: same silo; remote: another silo).", "placement");
        LocalIngestionCalls = ingestionCalls.WithLabels("local");
        RemoteIngestionCalls = ingestionCalls.WithLabels("remote");
        IngestionPaused = factory.CreateGauge("engine_ingestion_paused", "1 while ingestion is paused because state cannot be stored.");
        ApplyFailures = factory.CreateCounter("engine_event_apply_failures_total", "Attempts to apply an event whose rules threw (the event is dead-lettered as apply-failed after Ingestion:MaxApplyAttempts).");
        DeadLetterFailures = factory.CreateCounter("engine_dead_letter_failures_total", "Dead letters that could not be written (the source offset is then not committed).");

        CallbacksRefused = factory.CreateCounter("engine_sms_callbacks_refused_total", "Gateway callbacks answered 403, by route (kannel-inbound, kannel-dlr) and reason (source, no-token, wrong-token).", "route", "reason");

        DurableLatency = factory.CreateHistogram("engine_event_durable_latency_seconds", "Time from an event's Kafka timestamp until its offset is committed behind durable state.",
            new HistogramConfiguration { Buckets = LatencyBuckets });

        SinceOccurredAt = ApplyLatency.WithLabels("occurred_at");
        SinceKafkaTimestamp = ApplyLatency.WithLabels("kafka_timestamp");
    }

    public CollectorRegistry Registry { get; }
    public Counter EventsConsumed { get; }
    public Counter EventsRejected { get; }
    public Counter EventsDuplicate { get; }
    public Counter EventsApplied { get; }
    public Histogram ApplyLatency { get; }
    public Histogram.Child SinceOccurredAt { get; }
    public Histogram.Child SinceKafkaTimestamp { get; }
    public Histogram DurableLatency { get; }
    public Gauge ConsumerLag { get; }
    public Gauge GroupLag { get; }
    public Gauge GroupCommittedOffset { get; }
    public Counter Checkpoints { get; }
    public Histogram CheckpointDuration { get; }
    public Counter Rewinds { get; }
    public Counter.Child LocalIngestionCalls { get; }
    public Counter.Child RemoteIngestionCalls { get; }
    public Gauge IngestionPaused { get; }
    public Counter DeadLetterFailures { get; }
    public Counter CallbacksRefused { get; }
    public Counter ApplyFailures { get; }
}

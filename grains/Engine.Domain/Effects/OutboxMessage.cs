using Engine.Domain.Sms;

namespace Engine.Domain.Effects;

/// <summary>What an outbox message asks the engine to do outside itself.</summary>
public enum OutboxKind
{
    TierChange = 0,
    Sms = 1,
    /// <summary>A count for the experiment ledger (a cart SMS sent, a cart recovered); removed once the ledger has it.</summary>
    ExperimentTally = 2,
    /// <summary>A segment joined or left, to publish to the segment-changes topic (30: other kinds may be added in parallel).</summary>
    SegmentChange = 30,
    /// <summary>News for the referrer's grain (referred, bought); removed once the referrer has it.</summary>
    ReferralNotice = 31,
}

/// <summary>Where an outbox message is on its way out.</summary>
public enum OutboxStatus
{
    /// <summary>Decided and durable; not handed to anything outside yet.</summary>
    Pending = 0,
    /// <summary>Recorded as being handed out; after a crash its outcome must be checked, not assumed.</summary>
    Sending = 1,
    /// <summary>Handed out and acknowledged.</summary>
    Done = 2,
    /// <summary>The outcome of a send is unknown after a crash; it is not repeated.</summary>
    Unknown = 3,
    Failed = 4,
    /// <summary>Decided against by a policy (consent, caps, staleness); the reason is in <see cref="OutboxMessage.Detail"/>.</summary>
    Suppressed = 5,
    /// <summary>Withdrawn before it was sent (e.g. the points it reminded of were spent).</summary>
    Cancelled = 6,
}

/// <summary>
/// An effect decided by the rules, kept in the customer's durable state before anything
/// leaves the engine. Its id is deterministic (customer, trigger, trigger instance), so a
/// replay can never create a second one.
/// </summary>
[GenerateSerializer, Alias("engine.OutboxMessage")]
public sealed class OutboxMessage
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public OutboxKind Kind { get; set; }
    [Id(2)] public OutboxStatus Status { get; set; }
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Not before this instant (e.g. deferred out of quiet hours).</summary>
    [Id(4)] public DateTimeOffset? DueAt { get; set; }
    /// <summary>For a tier change being published: where to look for it if the outcome is unknown.</summary>
    [Id(5)] public long? ProbeFrom { get; set; }
    [Id(6)] public TierChangeNotice? TierChange { get; set; }
    [Id(7)] public SmsRequest? Sms { get; set; }
    [Id(8)] public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>Why it was suppressed, cancelled or failed; a gateway's message id once sent.</summary>
    [Id(9)] public string? Detail { get; set; }
    /// <summary>Gateway attempts that failed transiently (the message went back to Pending).</summary>
    [Id(10)] public int Attempts { get; set; }
    // Id 11 held the delivery state as text ("queued", "sent", "delivered", "failed") before
    // Id 15: rows written then still read it, through Delivery. It is no longer written, and
    // its type stays string so those rows stay readable.
    [Id(11)] private string? _deliveryText;
    [Id(15)] private SmsDeliveryState? _delivery;

    /// <summary>The latest delivery state a gateway reported.</summary>
    public SmsDeliveryState? Delivery
    {
        get => _delivery ?? SmsDeliveryStates.FromText(_deliveryText);
        set
        {
            _delivery = value;
            _deliveryText = null;
        }
    }

    [Id(12)] public DateTimeOffset? DeliveryAt { get; set; }
    /// <summary>When the message was handed to a gateway.</summary>
    [Id(13)] public DateTimeOffset? SentAt { get; set; }
    /// <summary>Parts the rendered text took.</summary>
    [Id(14)] public int Segments { get; set; }
    [Id(16)] public ExperimentTally? Tally { get; set; }
    [Id(30)] public SegmentChangeNotice? SegmentChange { get; set; }
    [Id(31)] public ReferralNotice? Referral { get; set; }

    public bool IsOpen => Status is OutboxStatus.Pending or OutboxStatus.Sending;
}

/// <summary>
/// A tier change to publish. <see cref="Historical"/>: decided from history (backfill, or
/// found long after <see cref="At"/>); published so downstream state is complete, marked so
/// downstream systems do not act on it as news.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.TierChangeNotice")]
public sealed record TierChangeNotice(
    [property: Id(0)] string From,
    [property: Id(1)] string To,
    [property: Id(2)] string Reason,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] bool IsUpgrade,
    [property: Id(5)] bool Historical = false);

/// <summary>
/// A customer entering (<see cref="Entered"/>) or leaving a segment, with why, as of
/// <see cref="At"/> and the value model version the facts came from. <see cref="Historical"/>:
/// decided from history (a backfill), published so downstream state is complete, not as news.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.SegmentChangeNotice")]
public sealed record SegmentChangeNotice(
    [property: Id(0)] string Segment,
    [property: Id(1)] bool Entered,
    [property: Id(2)] string Reason,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] int? ModelVersion,
    [property: Id(5)] bool Historical = false);

/// <summary>For the referrer <see cref="ReferrerId"/>: this customer was referred by them, or (<see cref="Bought"/>) made a first purchase.</summary>
[GenerateSerializer, Immutable, Alias("engine.ReferralNotice")]
public sealed record ReferralNotice([property: Id(0)] string ReferrerId, [property: Id(1)] bool Bought);

/// <summary>
/// An SMS the rules want sent: which trigger, and the facts its template needs. The SMS
/// pipeline decides (consent, quiet hours, caps) and renders it.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.SmsRequest")]
public sealed record SmsRequest(
    [property: Id(0)] string Trigger,
    [property: Id(1)] bool IsTransactional,
    [property: Id(2)] IReadOnlyDictionary<string, string> Data);

/// <summary>
/// One count for the experiment ledger: a message of <see cref="Variant"/> went out, or
/// (<see cref="Recovered"/>) a purchase it is credited with, worth <see cref="Revenue"/> in
/// the base currency. Its message id makes it countable once.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.ExperimentTally")]
public sealed record ExperimentTally(
    [property: Id(0)] string Experiment,
    [property: Id(1)] string Step,
    [property: Id(2)] string Variant,
    [property: Id(3)] bool Recovered,
    [property: Id(4)] decimal Revenue);

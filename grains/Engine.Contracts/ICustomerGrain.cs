using Engine.Domain.Events;
using Orleans.Concurrency;

namespace Engine.Contracts;

/// <summary>
/// One customer: applies that customer's events in order and exactly once, keeps the
/// resulting state, and reports how far its state is durable.
/// </summary>
[Alias("engine.ICustomerGrain")]
public interface ICustomerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies a batch of this customer's events, in the order given. Events already
    /// applied are skipped. The state may be written later (see <see cref="FlushAsync"/>).
    /// </summary>
    [Alias("Apply")]
    Task<ApplyReport> ApplyAsync(EventBatch batch);

    /// <summary>
    /// Writes the state if it has changes not yet durable, and returns the durable
    /// watermark of every stream, so the caller can commit offsets behind it.
    /// </summary>
    [Alias("Flush")]
    Task<FlushReport> FlushAsync();

    /// <summary>
    /// The ingestion's periodic checkpoint: returns the watermarks, writing first only if the
    /// customer's own write-behind is due (its timer not yet run). Offsets are committed
    /// behind the durable ones.
    /// </summary>
    [Alias("Checkpoint")]
    Task<FlushReport> CheckpointAsync();

    /// <summary>
    /// Runs the time-driven work due now (expiring points and their reminders,
    /// re-qualification and downgrades) and hands out what is pending. The grain's durable
    /// reminder calls it; admin tools and tests may too.
    /// </summary>
    [Alias("Advance")]
    Task AdvanceAsync();

    /// <summary>
    /// Called by a customer this one referred (never by clients): counts the referral, and the
    /// referred buyer when <paramref name="bought"/>, once per referred customer however often
    /// it is called; durable when it returns, so the caller may forget the news.
    /// </summary>
    [Alias("RecordReferral")]
    Task RecordReferralAsync(string referredCustomerId, bool bought);

    /// <summary>
    /// Called by the SMS dispatcher just before it calls a gateway: the SMS policy decides this
    /// attempt (consent, phone, staleness, quiet hours, caps: once, here), and a message to
    /// send is marked Sending in durable state and returned rendered; null when it is not to
    /// be sent now (suppressed, deferred, or no longer pending).
    /// </summary>
    [Alias("BeginSmsSend")]
    Task<SmsDispatch?> BeginSmsSendAsync(string messageId);

    /// <summary>Records the gateway's answer to a send.</summary>
    [Alias("CompleteSmsSend")]
    Task CompleteSmsSendAsync(string messageId, SmsSendOutcome outcome);

    /// <summary>
    /// The effect dispatcher's answer for a tier or segment change it was handed:
    /// <paramref name="published"/> when the topic has the record, else it stays open.
    /// </summary>
    [Alias("CompleteEffectPublication")]
    Task CompleteEffectPublicationAsync(string effectId, bool published);

    /// <summary>Records a delivery report; a report never moves a message backwards.</summary>
    [Alias("RecordSmsDelivery")]
    Task RecordSmsDeliveryAsync(string messageId, SmsDeliveryReport report);

    /// <summary>
    /// Follows what an inbound SMS from the number this customer holds decided (STOP, START,
    /// HELP; see <see cref="IPhoneNumberGrain.ReceiveAsync"/>), once per gateway id, and is
    /// durable before it answers: a failed write throws, so the gateway's retry comes back.
    /// Ignored when the customer no longer holds the number of <paramref name="numberKey"/>.
    /// </summary>
    [Alias("ReceiveFromNumber")]
    Task ReceiveFromNumberAsync(string numberKey, Engine.Domain.Sms.NumberInstruction instruction);

    /// <summary>Sets the marketing SMS consent from an admin action; opting out cancels what is pending.</summary>
    [Alias("SetSmsConsent")]
    Task SetSmsConsentAsync(bool optedIn, string source);

    /// <summary>Queues a test message (transactional, so it ignores quiet hours and caps, never consent); returns its id.</summary>
    [Alias("SendTestSms")]
    Task<string> SendTestSmsAsync(string trigger);

    /// <summary>The customer's current state with figures derived as of now.</summary>
    [Alias("GetView"), ReadOnly]
    Task<CustomerView> GetViewAsync();
}

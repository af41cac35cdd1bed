using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Sms;
using Engine.Grains.Effects;
using Engine.Sms;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Engine.Grains.Tests;

/// <summary>
/// <see cref="SmsSendProtocol"/>: hand-out selects, the attempt decides once and counts once,
/// and the gateway's answers and delivery reports set the statuses.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SmsSendProtocolTests
{
    private const string UpgradeId = "c-1:tier_upgrade:gold";
    private const string Upgrade = "tier_upgrade";

    /// <summary>11:00 in Paris on a Monday: inside the default sending window.</summary>
    private static readonly DateTimeOffset Daytime = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    /// <summary>21:30 in Paris: quiet hours until 08:00 there, 07:00 UTC, the next day.</summary>
    private static readonly DateTimeOffset Evening = new(2026, 11, 23, 20, 30, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset NextMorning = new(2026, 11, 24, 7, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Daytime);
    private readonly FakeSmsOutlet _outlet = new();
    private readonly SmsStatistics _statistics = new();
    private readonly SmsSendProtocol _protocol;

    public SmsSendProtocolTests()
    {
        var policy = Options.Create(new SmsPolicyOptions());
        var delivery = Options.Create(new SmsDeliveryOptions { MaxAttempts = 3, FirstRetryDelay = TimeSpan.FromSeconds(10), MaxRetryDelay = TimeSpan.FromMinutes(5) });
        var renderer = new SmsRenderer(new SmsTemplates(), policy, delivery, Options.Create(new CustomerRules()));
        _protocol = new SmsSendProtocol(_outlet, renderer, policy, delivery, Options.Create(new CustomerRules()), _statistics, _clock);
    }

    [Fact]
    public void Handing_out_submits_what_is_due_without_deciding_or_counting_it()
    {
        var state = Customer(ConsentStatus.Unknown);
        var due = QueueUpgrade(state, Daytime);
        SmsPlanning.Queue(state, "c-1:cart_abandoned:1", "cart_abandoned", Daytime.AddHours(1), transactional: false);

        _protocol.HandOutDue(state);

        Assert.Equal([UpgradeId], _outlet.Submitted);
        Assert.Equal((OutboxStatus.Pending, Daytime), (due.Status, due.DueAt));
        Assert.Empty(_statistics.Outcomes);
    }

    [Fact]
    public void An_attempt_to_send_marks_the_message_sending_and_returns_its_dispatch()
    {
        var state = Customer();
        var message = QueueUpgrade(state, Daytime);

        var attempt = _protocol.Begin(state, UpgradeId);

        Assert.Equal(SmsAttemptResult.Sending, attempt.Result);
        var dispatch = attempt.Dispatch!;
        Assert.Equal((UpgradeId, "c-1", "+33612345678", Upgrade), (dispatch.MessageId, dispatch.CustomerId, dispatch.To, dispatch.Trigger));
        Assert.Contains("Gold", dispatch.Text, StringComparison.Ordinal);
        Assert.Equal((OutboxStatus.Sending, Daytime, dispatch.Segments), (message.Status, message.SentAt, message.Segments));
        // A send is counted when the gateway answers.
        Assert.Empty(_statistics.Outcomes);
    }

    [Fact]
    public void A_suppression_is_decided_and_counted_once_by_the_attempt()
    {
        var state = Customer(ConsentStatus.Unknown);
        var message = QueueUpgrade(state, Daytime);
        _protocol.HandOutDue(state);

        Assert.Equal(SmsAttemptResult.Suppressed, _protocol.Begin(state, UpgradeId).Result);
        // Handed out twice: the second attempt finds nothing to do.
        Assert.Equal(SmsAttemptResult.Skipped, _protocol.Begin(state, UpgradeId).Result);

        Assert.Equal((OutboxStatus.Suppressed, SmsSuppressionReasons.NoConsent), (message.Status, message.Detail));
        Assert.Equal([((Upgrade, "suppressed:no-consent"), 1L)], Counts());
    }

    [Fact]
    public void An_upgrade_attempted_after_its_freshness_window_is_suppressed_and_counted_as_stale_with_its_reason()
    {
        var state = Customer();
        var message = QueueUpgrade(state, Daytime);
        _clock.SetUtcNow(Daytime.AddDays(2));

        Assert.Equal(SmsAttemptResult.Suppressed, _protocol.Begin(state, UpgradeId).Result);

        Assert.Equal((OutboxStatus.Suppressed, "stale: too-late"), (message.Status, message.Detail));
        Assert.Equal([((Upgrade, "suppressed:stale"), 1L)], Counts());
        Assert.Equal(1L, _statistics.StaleReasons[(Upgrade, "too-late")]);
    }

    [Fact]
    public void A_quiet_hours_deferral_is_counted_once_and_the_message_goes_in_the_morning()
    {
        _clock.SetUtcNow(Evening);
        var state = Customer();
        var message = QueueUpgrade(state, Evening);

        Assert.Equal(SmsAttemptResult.Deferred, _protocol.Begin(state, UpgradeId).Result);

        Assert.Equal((OutboxStatus.Pending, NextMorning), (message.Status, message.DueAt));
        Assert.Equal(NextMorning, _protocol.NextCheck(state, Evening));
        _protocol.HandOutDue(state);
        Assert.Empty(_outlet.Submitted);
        Assert.Equal(SmsAttemptResult.Skipped, _protocol.Begin(state, UpgradeId).Result);
        Assert.Equal([((Upgrade, "deferred:quiet-hours"), 1L)], Counts());

        _clock.SetUtcNow(NextMorning);
        _protocol.HandOutDue(state);
        Assert.Equal([UpgradeId], _outlet.Submitted);
        Assert.Equal(SmsAttemptResult.Sending, _protocol.Begin(state, UpgradeId).Result);
        Assert.Equal([((Upgrade, "deferred:quiet-hours"), 1L)], Counts());
    }

    [Fact]
    public void A_send_whose_mark_could_not_be_written_goes_back_to_pending()
    {
        var state = Customer();
        var message = QueueUpgrade(state, Daytime);

        _protocol.Abandon(_protocol.Begin(state, UpgradeId));

        Assert.Equal((OutboxStatus.Pending, (DateTimeOffset?)null), (message.Status, message.SentAt));
        _protocol.HandOutDue(state);
        Assert.Equal([UpgradeId], _outlet.Submitted);
    }

    [Theory]
    [InlineData(SmsSendStatus.Accepted, SmsDeliveryState.Sent)]
    [InlineData(SmsSendStatus.Queued, SmsDeliveryState.Queued)]
    public void An_accepted_send_is_done(SmsSendStatus status, SmsDeliveryState delivery)
    {
        var state = Customer();
        var message = Sending(state);

        Assert.True(_protocol.Complete(state, UpgradeId, new SmsSendOutcome(status, "gw-1", null, "kannel")));

        Assert.Equal((OutboxStatus.Done, "gw-1", delivery), (message.Status, message.Detail, message.Delivery));
        Assert.Equal([((Upgrade, "sent"), 1L)], Counts());
        Assert.Equal(message.Segments, _statistics.Segments);
    }

    [Fact]
    public void A_transient_failure_goes_back_to_pending_for_a_retry_after_a_backoff()
    {
        var state = Customer();
        var message = Sending(state);

        Assert.True(_protocol.Complete(state, UpgradeId, new SmsSendOutcome(SmsSendStatus.TransientFailure, null, "HTTP 503", "kannel")));

        Assert.Equal((OutboxStatus.Pending, 1, (DateTimeOffset?)null, "HTTP 503"), (message.Status, message.Attempts, message.SentAt, message.Detail));
        // The first delay, jittered between half and all of it.
        Assert.InRange(message.DueAt!.Value, Daytime.AddSeconds(5), Daytime.AddSeconds(10));
        Assert.Equal(message.DueAt, _protocol.NextCheck(state, Daytime));
        Assert.Equal([((Upgrade, "retried"), 1L)], Counts());
        _protocol.HandOutDue(state);
        Assert.Empty(_outlet.Submitted);

        _clock.SetUtcNow(message.DueAt.Value);
        _protocol.HandOutDue(state);
        Assert.Equal([UpgradeId], _outlet.Submitted);
    }

    [Fact]
    public void Transient_failures_give_up_after_the_last_attempt()
    {
        var state = Customer();
        var message = QueueUpgrade(state, Daytime);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            _clock.SetUtcNow(message.DueAt!.Value);
            Assert.Equal(SmsAttemptResult.Sending, _protocol.Begin(state, UpgradeId).Result);
            _protocol.Complete(state, UpgradeId, new SmsSendOutcome(SmsSendStatus.TransientFailure, null, "HTTP 503", "kannel"));
        }

        Assert.Equal(OutboxStatus.Failed, message.Status);
        Assert.Equal([((Upgrade, "failed"), 1L), ((Upgrade, "retried"), 2L)], Counts());
    }

    [Fact]
    public void A_send_with_no_answer_is_unknown_and_not_sent_again()
    {
        var state = Customer();
        var message = Sending(state);

        Assert.True(_protocol.Complete(state, UpgradeId, new SmsSendOutcome(SmsSendStatus.OutcomeUnknown, null, "timeout", "kannel")));

        Assert.Equal(OutboxStatus.Unknown, message.Status);
        _protocol.HandOutDue(state);
        Assert.Empty(_outlet.Submitted);
        Assert.Equal(SmsAttemptResult.Skipped, _protocol.Begin(state, UpgradeId).Result);
        Assert.Equal([((Upgrade, "unknown"), 1L)], Counts());
    }

    [Fact]
    public void An_answer_about_a_message_not_being_sent_changes_nothing()
    {
        var state = Customer();
        var message = QueueUpgrade(state, Daytime);

        Assert.False(_protocol.Complete(state, UpgradeId, new SmsSendOutcome(SmsSendStatus.Accepted, "gw-1", null, "kannel")));
        Assert.False(_protocol.Complete(state, "c-1:nothing", new SmsSendOutcome(SmsSendStatus.Accepted, "gw-1", null, "kannel")));

        Assert.Equal(OutboxStatus.Pending, message.Status);
        Assert.Empty(_statistics.Outcomes);
    }

    [Fact]
    public void A_send_interrupted_by_a_crash_is_unknown_until_a_delivery_report_says_it_went_out()
    {
        var state = Customer();
        var message = Sending(state);

        // The next activation.
        Assert.Equal(1, _protocol.MarkInterruptedSendsUnknown(state));
        Assert.Equal((OutboxStatus.Unknown, "interrupted while sending"), (message.Status, message.Detail));

        var reportedAt = Daytime.AddMinutes(2);
        Assert.True(_protocol.RecordDelivery(state, UpgradeId, new SmsDeliveryReport(SmsDeliveryState.Delivered, reportedAt)));

        Assert.Equal((OutboxStatus.Done, SmsDeliveryState.Delivered, reportedAt), (message.Status, message.Delivery, message.DeliveryAt));
        Assert.Equal([((Upgrade, "delivered"), 1L), ((Upgrade, "unknown"), 1L)], Counts());
    }

    [Fact]
    public void Delivery_reports_never_go_backwards()
    {
        var state = Customer();
        var message = Sending(state);
        _protocol.Complete(state, UpgradeId, new SmsSendOutcome(SmsSendStatus.Accepted, "gw-1", null, "kannel"));
        var delivered = new SmsDeliveryReport(SmsDeliveryState.Delivered, Daytime.AddMinutes(1));

        Assert.True(_protocol.RecordDelivery(state, UpgradeId, delivered));
        // A retried "sent" after "delivered", a repeat, a "failed" after the end: all ignored.
        Assert.False(_protocol.RecordDelivery(state, UpgradeId, new SmsDeliveryReport(SmsDeliveryState.Sent, Daytime.AddMinutes(2))));
        Assert.False(_protocol.RecordDelivery(state, UpgradeId, delivered));
        Assert.False(_protocol.RecordDelivery(state, UpgradeId, new SmsDeliveryReport(SmsDeliveryState.Failed, Daytime.AddMinutes(3))));

        Assert.Equal((SmsDeliveryState.Delivered, delivered.At), (message.Delivery, message.DeliveryAt));
        Assert.Equal([((Upgrade, "delivered"), 1L), ((Upgrade, "sent"), 1L)], Counts());
    }

    [Fact]
    public void A_message_handed_out_or_being_sent_is_looked_at_again_soon()
    {
        var state = Customer();
        Assert.Null(_protocol.NextCheck(state, Daytime));

        QueueUpgrade(state, Daytime);
        Assert.Equal(Daytime + SmsSendProtocol.RecheckDelay, _protocol.NextCheck(state, Daytime));

        _protocol.Begin(state, UpgradeId);
        Assert.Equal(Daytime + SmsSendProtocol.RecheckDelay, _protocol.NextCheck(state, Daytime));
    }

    [Fact]
    public void A_test_message_names_its_template_and_goes_even_in_quiet_hours()
    {
        _clock.SetUtcNow(Evening);
        var state = Customer(ConsentStatus.Unknown);

        Assert.Throws<ArgumentException>(() => _protocol.QueueTest(state, "no_such_template"));
        var id = _protocol.QueueTest(state, "tier_upgrade");

        Assert.StartsWith("c-1:test:", id, StringComparison.Ordinal);
        var attempt = _protocol.Begin(state, id);
        Assert.Equal(SmsAttemptResult.Sending, attempt.Result);
        Assert.Equal(SmsPlanning.TestTrigger, attempt.Dispatch!.Trigger);
    }

    private static CustomerState Customer(ConsentStatus consent = ConsentStatus.OptedIn)
    {
        var state = new CustomerState { CustomerId = "c-1" };
        state.Profile.FirstName = "Ana";
        state.Profile.Phone = "+33612345678";
        state.Profile.TimeZone = "Europe/Paris";
        state.Profile.Locale = "en";
        state.Profile.SmsConsent = consent == ConsentStatus.Unknown ? null : new SmsConsent(consent, "web-form", Daytime.AddDays(-30));
        // Gold, earned by spend: the upgrade SMS's premise holds when it is attempted.
        state.Apply(new SequencedEvent(
            new PurchaseEvent { EventId = "e-gold", CustomerId = "c-1", OccurredAt = Daytime.AddHours(-1), OrderId = "o-gold", Amount = 1200m, Currency = "USD", Items = [] },
            new EventPosition("engagement.purchases/0", 0)), new CustomerRules());
        state.TakeLoyaltyEffects();
        return state;
    }

    private static OutboxMessage QueueUpgrade(CustomerState state, DateTimeOffset at)
    {
        Assert.True(SmsPlanning.Queue(state, UpgradeId, Upgrade, at, transactional: false, new Dictionary<string, string> { ["tier"] = "Gold" }));
        return state.Outbox.Find(UpgradeId)!;
    }

    /// <summary>An upgrade SMS the protocol has marked Sending, as the dispatcher is about to call the gateway.</summary>
    private OutboxMessage Sending(CustomerState state)
    {
        var message = QueueUpgrade(state, _clock.GetUtcNow());
        Assert.Equal(SmsAttemptResult.Sending, _protocol.Begin(state, UpgradeId).Result);
        return message;
    }

    private List<((string Trigger, string Outcome), long)> Counts() =>
        [.. _statistics.Outcomes.OrderBy(o => o.Key.Outcome, StringComparer.Ordinal).Select(o => (o.Key, o.Value))];
}

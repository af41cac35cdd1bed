using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Loyalty;
using Engine.Domain.Sms;
using static Engine.Domain.Tests.SmsCustomer;

namespace Engine.Domain.Tests;

/// <summary>
/// The SMS rules over a customer's state, as the grain runs them: <see cref="SmsPlanning"/>
/// deciding the outbox, inbound keywords and consent changes, retries; and
/// <see cref="CustomerNotifications"/> turning loyalty effects into outbox messages.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SmsPlanningTests
{
    private static readonly DateTimeOffset T0 = Make.T0;

    /// <summary>11:00 in Paris on a Monday: inside the default 08:00–21:00 window.</summary>
    private static readonly DateTimeOffset Daytime = Local(Paris, 2026, 11, 23, 11);

    private static readonly DateTimeOffset ParisEvening = Local(Paris, 2026, 11, 23, 21, 30);

    private static SmsPolicyOptions Policy() => new();

    /// <summary>
    /// Every due message attempted in turn, one decision each, as the dispatcher's calls to
    /// BeginSmsSend do. A send stays Pending here: the grain marks it Sending.
    /// </summary>
    private static List<(string Id, SmsDecision Decision)> AttemptDue(CustomerState state, DateTimeOffset now, SmsPolicyOptions? options = null)
    {
        var decisions = SmsPlanning.Due(state, now)
            .Select(message => (message.Id, SmsPlanning.DecideAttempt(state, message, now, options ?? Policy())))
            .ToList();
        Assert.All(decisions.Where(d => d.Item2.IsSend), d => Assert.Equal(OutboxStatus.Pending, state.Outbox.Find(d.Item1)!.Status));
        return decisions;
    }

    private static void AssertSuppressed(OutboxMessage message, string reason, DateTimeOffset at)
    {
        Assert.Equal(OutboxStatus.Suppressed, message.Status);
        Assert.Equal(reason, message.Detail);
        Assert.Equal(at, message.CompletedAt);
    }

    private static void AssertCancelled(OutboxMessage message, string reason, DateTimeOffset at)
    {
        Assert.Equal(OutboxStatus.Cancelled, message.Status);
        Assert.Equal(reason, message.Detail);
        Assert.Equal(at, message.CompletedAt);
    }

    // ---- Due and DecideAttempt ----

    [Fact]
    public void DueSelectsWithoutDecidingSoTheAttemptDecidesOnce()
    {
        var state = With(ConsentStatus.Unknown);
        var message = Queue(state, SmsTrigger.TierUpgrade, ParisEvening);
        var later = Queue(state, SmsTrigger.CartAbandoned, ParisEvening.AddMinutes(5));

        // Selected as due: neither suppressed (no consent) nor deferred (quiet hours) yet.
        Assert.Equal([message], SmsPlanning.Due(state, ParisEvening));
        Assert.Equal((OutboxStatus.Pending, ParisEvening), (message.Status, message.DueAt));
        Assert.Equal(OutboxStatus.Pending, later.Status);

        Assert.Equal(SmsDecision.Suppress(SmsSuppressionReasons.NoConsent), SmsPlanning.DecideAttempt(state, message, ParisEvening, Policy()));
        AssertSuppressed(message, SmsSuppressionReasons.NoConsent, ParisEvening);
        Assert.Empty(SmsPlanning.Due(state, ParisEvening));
    }

    [Fact]
    public void A_due_tier_upgrade_goes_to_an_opted_in_customer_with_a_valid_phone_in_the_daytime()
    {
        var state = Reachable();
        var message = Queue(state, SmsTrigger.TierUpgrade, Daytime);

        var decisions = AttemptDue(state, Daytime);

        Assert.Equal([(message.Id, SmsDecision.Send(Daytime))], decisions);
        Assert.Equal(Daytime, message.DueAt);
        Assert.Null(message.CompletedAt);
    }

    [Fact]
    public void A_message_not_due_yet_is_left_alone()
    {
        var state = Reachable();
        var message = Queue(state, SmsTrigger.TierUpgrade, Daytime.AddMinutes(5));

        Assert.Empty(AttemptDue(state, Daytime));
        Assert.Equal(OutboxStatus.Pending, message.Status);
        Assert.Equal(Daytime.AddMinutes(5), message.DueAt);
    }

    [Fact]
    public void Marketing_due_in_quiet_hours_waits_for_the_next_morning_in_the_customers_zone_then_goes()
    {
        var state = Reachable(Paris);
        var message = Queue(state, SmsTrigger.TierUpgrade, ParisEvening);
        var morning = Local(Paris, 2026, 11, 24, 8);

        var decisions = AttemptDue(state, ParisEvening);

        Assert.Equal([(message.Id, SmsDecision.Defer(morning, SmsDeferReasons.QuietHours))], decisions);
        Assert.Equal(OutboxStatus.Pending, message.Status);
        Assert.Equal(morning, message.DueAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 7, 0, 0, TimeSpan.Zero), message.DueAt);

        // Not looked at again before its time; at its time it goes.
        Assert.Empty(AttemptDue(state, morning.AddMinutes(-1)));
        Assert.Equal([(message.Id, SmsDecision.Send(morning))], AttemptDue(state, morning));
    }

    [Fact]
    public void Quiet_hours_are_the_customers_own_at_the_same_instant()
    {
        // 11:00 UTC: noon in Paris, 06:00 in New York.
        var now = new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero);
        var parisian = Reachable(Paris);
        var newYorker = Reachable(NewYork);
        Queue(parisian, SmsTrigger.CartAbandoned, now);
        var waiting = Queue(newYorker, SmsTrigger.CartAbandoned, now);

        Assert.True(Assert.Single(AttemptDue(parisian, now)).Decision.IsSend);
        Assert.Equal(SmsOutcome.Defer, Assert.Single(AttemptDue(newYorker, now)).Decision.Outcome);

        // The window opens at 08:00 New York time the same day: 13:00 UTC.
        Assert.Equal(Local(NewYork, 2026, 11, 23, 8), waiting.DueAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.Zero), waiting.DueAt);
    }

    [Fact]
    public void A_deferral_over_a_spring_forward_night_opens_at_eight_on_the_new_offset()
    {
        // Paris moves from +01:00 to +02:00 at 02:00 on 2026-03-29.
        var state = Reachable(Paris);
        var evening = Local(Paris, 2026, 3, 28, 22);
        var message = Queue(state, SmsTrigger.TierUpgrade, evening);

        AttemptDue(state, evening);

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 8, 0, 0, TimeSpan.FromHours(2)), message.DueAt);
    }

    [Fact]
    public void Transactional_messages_ignore_quiet_hours()
    {
        var state = Reachable(Paris);
        var test = Queue(state, SmsTrigger.Test, ParisEvening);

        Assert.Equal([(test.Id, SmsDecision.Send(ParisEvening))], AttemptDue(state, ParisEvening));
    }

    [Theory]
    [InlineData(ConsentStatus.Unknown, ValidPhone, SmsSuppressionReasons.NoConsent)]
    [InlineData(ConsentStatus.OptedOut, ValidPhone, SmsSuppressionReasons.OptedOut)]
    [InlineData(ConsentStatus.OptedIn, null, SmsSuppressionReasons.InvalidPhone)]
    [InlineData(ConsentStatus.OptedIn, "0612345678", SmsSuppressionReasons.InvalidPhone)]
    [InlineData(ConsentStatus.OptedIn, "+33 6 12 34 56 78", SmsSuppressionReasons.InvalidPhone)]
    public void Marketing_is_suppressed_without_consent_or_a_valid_phone(ConsentStatus consent, string? phone, string reason)
    {
        var state = With(consent, phone);
        var message = Queue(state, SmsTrigger.TierUpgrade, Daytime);

        var decisions = AttemptDue(state, Daytime);

        Assert.Equal([(message.Id, SmsDecision.Suppress(reason))], decisions);
        AssertSuppressed(message, reason, Daytime);
        Assert.False(state.Outbox.HasOpen(OutboxKind.Sms));
    }

    [Fact]
    public void Consent_is_checked_before_quiet_hours_so_an_opted_out_customer_is_not_kept_waiting()
    {
        var state = With(ConsentStatus.OptedOut);
        var message = Queue(state, SmsTrigger.CartAbandoned, ParisEvening);

        AttemptDue(state, ParisEvening);

        AssertSuppressed(message, SmsSuppressionReasons.OptedOut, ParisEvening);
    }

    [Fact]
    public void A_message_already_sent_today_counts_against_the_daily_cap()
    {
        var state = Reachable();
        var earlier = Queue(state, SmsTrigger.CartAbandoned, Daytime.AddHours(-2));
        state.Outbox.Complete(earlier, OutboxStatus.Done, Daytime.AddHours(-2));
        earlier.SentAt = Daytime.AddHours(-2);
        var message = Queue(state, SmsTrigger.TierUpgrade, Daytime);

        AttemptDue(state, Daytime);

        AssertSuppressed(message, SmsSuppressionReasons.CappedDaily, Daytime);
    }

    [Fact]
    public void A_message_that_gave_up_after_transient_failures_does_not_count_against_the_cap()
    {
        var state = Reachable();
        var earlier = Queue(state, SmsTrigger.CartAbandoned, Daytime.AddHours(-2));
        earlier.Status = OutboxStatus.Sending;
        earlier.SentAt = Daytime.AddHours(-2);
        SmsPlanning.RetryLater(state, earlier, Daytime.AddHours(-2), maxAttempts: 1, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10), jitter: 0, "HTTP 503");
        var message = Queue(state, SmsTrigger.TierUpgrade, Daytime);

        Assert.Equal([(message.Id, SmsDecision.Send(Daytime))], AttemptDue(state, Daytime));
    }

    [Fact]
    public void Two_marketing_messages_due_together_with_room_for_one_send_the_higher_priority()
    {
        var state = Reachable();
        var cart = Queue(state, SmsTrigger.CartAbandoned, Daytime);
        var upgrade = Queue(state, SmsTrigger.TierUpgrade, Daytime);

        var decisions = AttemptDue(state, Daytime);

        Assert.Equal([(cart.Id, SmsDecision.Suppress(SmsSuppressionReasons.LowerPriority)), (upgrade.Id, SmsDecision.Send(Daytime))], decisions);
    }

    [Fact]
    public void WhenTheHigherPriorityMessageIsAttemptedFirstTheOtherMeetsTheCapItUsed()
    {
        var state = Reachable();
        var cart = Queue(state, SmsTrigger.CartAbandoned, Daytime);
        var upgrade = Queue(state, SmsTrigger.TierUpgrade, Daytime);

        Assert.Equal(SmsDecision.Send(Daytime), SmsPlanning.DecideAttempt(state, upgrade, Daytime, Policy()));
        // As BeginSmsSend marks it before the gateway call.
        upgrade.Status = OutboxStatus.Sending;
        upgrade.SentAt = Daytime;

        Assert.Equal(SmsDecision.Suppress(SmsSuppressionReasons.CappedDaily), SmsPlanning.DecideAttempt(state, cart, Daytime, Policy()));
    }

    // ---- points reminders whose points are gone ----

    /// <summary>A customer who earned 100 points at T0 and has just been reminded, 14 days before they expire.</summary>
    private static (CustomerFeed Feed, OutboxMessage Reminder, DateTimeOffset At) RemindedOfExpiringPoints()
    {
        var feed = new CustomerFeed();
        var profile = Reachable().Profile;
        feed.State.Profile = profile;
        feed.ApplyAll(Make.Purchase(T0, 100m, orderId: "o-1"));
        Assert.Empty(feed.State.TakeLoyaltyEffects());

        var lot = Assert.Single(feed.State.Loyalty.Lots);
        var at = lot.ExpiresAt.AddDays(-14);
        feed.State.AdvanceTo(at, feed.Rules);
        var effects = feed.State.TakeLoyaltyEffects();
        Assert.Equal([new ExpiryReminder(lot.LotId, 14, 100, lot.ExpiresAt)], effects);
        Assert.Equal(1, CustomerNotifications.Record(feed.State, effects, at, feed.Rules.Loyalty));

        var reminder = Assert.Single(Messages(feed.State, SmsTrigger.PointsExpiring));
        Assert.Equal(lot.LotId, reminder.Sms!.Data["lot_id"]);
        return (feed, reminder, at);
    }

    [Fact]
    public void A_points_reminder_goes_while_its_points_are_there()
    {
        var (feed, reminder, at) = RemindedOfExpiringPoints();

        Assert.Equal([(reminder.Id, SmsDecision.Send(at))], AttemptDue(feed.State, at));
    }

    [Fact]
    public void A_points_reminder_whose_lot_was_spent_is_suppressed_as_stale()
    {
        var (feed, reminder, at) = RemindedOfExpiringPoints();
        feed.ApplyAll(Make.Redeem(at, 100));

        var decisions = AttemptDue(feed.State, at);

        Assert.Equal([(reminder.Id, SmsDecision.Suppress(SmsSuppressionReasons.Stale))], decisions);
        AssertSuppressed(reminder, SmsStaleness.Detail(StaleReasons.PointsGone), at);
    }

    [Fact]
    public void A_points_reminder_whose_lot_expired_is_stale()
    {
        var (feed, reminder, _) = RemindedOfExpiringPoints();
        var expiry = feed.State.Loyalty.Lots.Single().ExpiresAt;

        Assert.False(SmsPlanning.IsStale(feed.State, reminder, expiry.AddTicks(-1)));
        Assert.True(SmsPlanning.IsStale(feed.State, reminder, expiry));
    }

    [Fact]
    public void A_rolling_mode_reminder_is_stale_once_activity_has_moved_the_expiry_it_speaks_of()
    {
        // Rolling mode: any activity moves every live lot's expiry a year on. The reminder says
        // "100 points expire on <old date>", which the purchase below has made untrue.
        var feed = new CustomerFeed(new CustomerRules { Loyalty = { Expiry = PointsExpiryMode.RollingInactivity } });
        feed.State.Profile = Reachable().Profile;
        feed.ApplyAll(Make.Purchase(T0, 100m, orderId: "o-1"));
        feed.State.TakeLoyaltyEffects();
        var oldExpiry = Assert.Single(feed.State.Loyalty.Lots).ExpiresAt;

        // Reminded at 22:00 Paris: quiet hours, so the reminder waits for 08:00.
        var night = Local(Paris, 2027, 11, 9, 22);
        Assert.True(oldExpiry.AddDays(-14) <= night);
        feed.State.AdvanceTo(night, feed.Rules);
        CustomerNotifications.Record(feed.State, feed.State.TakeLoyaltyEffects(), night, feed.Rules.Loyalty);
        var reminder = Assert.Single(Messages(feed.State, SmsTrigger.PointsExpiring));
        Assert.Equal(LoyaltyAccount.RollingLotId, reminder.Sms!.Data["lot_id"]);
        AttemptDue(feed.State, night);
        Assert.Equal(OutboxStatus.Pending, reminder.Status);

        // 07:00: the customer buys something; the points now expire a year later.
        var purchase = Local(Paris, 2027, 11, 10, 7);
        feed.ApplyAll(Make.Purchase(purchase, 20m, orderId: "o-2"));
        Assert.All(feed.State.Loyalty.Lots, lot => Assert.True(lot.ExpiresAt > oldExpiry));
        CustomerNotifications.Record(feed.State, feed.State.TakeLoyaltyEffects(), purchase, feed.Rules.Loyalty);

        // 08:00: the reminder of the old date must not go out.
        var morning = Local(Paris, 2027, 11, 10, 8);
        var decisions = AttemptDue(feed.State, morning);

        Assert.DoesNotContain(decisions, d => d.Id == reminder.Id && d.Decision.IsSend);
        Assert.False(reminder.IsOpen);
        Assert.Equal(SmsSuppressionReasons.Stale, reminder.Detail);
    }

    // ---- inbound keywords ----

    [Fact]
    public void STOP_opts_out_cancels_pending_marketing_and_queues_one_confirmation()
    {
        var state = Reachable();
        var upgrade = Queue(state, SmsTrigger.TierUpgrade, Daytime);
        var cart = Queue(state, SmsTrigger.CartAbandoned, Daytime.AddHours(2));
        var test = Queue(state, SmsTrigger.Test, Daytime);
        var inFlight = Queue(state, SmsTrigger.PointsExpiring, Daytime.AddMinutes(-1), data: new Dictionary<string, string> { ["lot_id"] = "order:o-1" });
        inFlight.Status = OutboxStatus.Sending;

        Assert.True(SmsPlanning.Receive(state, "gw-1", "Stop", Daytime));

        Assert.Equal(new SmsConsent(ConsentStatus.OptedOut, SmsInbound.ConsentSource, Daytime), state.Profile.SmsConsent);
        AssertCancelled(upgrade, SmsSuppressionReasons.OptedOut, Daytime);
        AssertCancelled(cart, SmsSuppressionReasons.OptedOut, Daytime);
        // Transactional messages are left to the policy; one already handed out cannot be called back.
        Assert.Equal(OutboxStatus.Pending, test.Status);
        Assert.Equal(OutboxStatus.Sending, inFlight.Status);

        var confirmation = Assert.Single(Messages(state, SmsTrigger.OptOutConfirmation));
        Assert.Equal($"{Make.CustomerId}:opt_out_confirmation:gw-1", confirmation.Id);
        Assert.True(confirmation.Sms!.IsTransactional);
        Assert.Equal(OutboxStatus.Pending, confirmation.Status);
        Assert.Equal(Daytime, confirmation.DueAt);
    }

    [Fact]
    public void STOP_is_handled_once_per_gateway_id_and_a_second_STOP_is_not_confirmed_again()
    {
        var state = Reachable();
        Assert.True(SmsPlanning.Receive(state, "gw-1", "STOP", Daytime));
        var consent = state.Profile.SmsConsent;
        var messages = state.Outbox.Messages.Count;

        // The gateway retries its callback: nothing happens again.
        Assert.False(SmsPlanning.Receive(state, "gw-1", "STOP", Daytime.AddMinutes(1)));
        Assert.Same(consent, state.Profile.SmsConsent);
        Assert.Equal(messages, state.Outbox.Messages.Count);

        // The customer sends STOP again: handled, but an opted-out customer is not answered twice.
        Assert.True(SmsPlanning.Receive(state, "gw-2", "stop please", Daytime.AddMinutes(2)));
        Assert.Same(consent, state.Profile.SmsConsent);
        Assert.Single(Messages(state, SmsTrigger.OptOutConfirmation));
        Assert.Equal(["gw-1", "gw-2"], state.RecentInboundSms);
    }

    [Fact]
    public void The_STOP_confirmation_goes_to_the_opted_out_customer_even_in_quiet_hours_but_nothing_else_does()
    {
        var state = Reachable();
        var test = Queue(state, SmsTrigger.Test, ParisEvening);
        SmsPlanning.Receive(state, "gw-1", "STOP", ParisEvening);
        var confirmation = Assert.Single(Messages(state, SmsTrigger.OptOutConfirmation));

        var decisions = AttemptDue(state, ParisEvening);

        Assert.Equal(
            [(test.Id, SmsDecision.Suppress(SmsSuppressionReasons.OptedOut)), (confirmation.Id, SmsDecision.Send(ParisEvening))],
            decisions);
    }

    [Fact]
    public void STOP_also_cancels_a_pending_reply_to_an_earlier_keyword_so_the_opt_out_confirmation_is_the_last_word()
    {
        // START is answered, but the gateway is down: the confirmation waits to be retried.
        var state = With(ConsentStatus.OptedOut);
        SmsPlanning.Receive(state, "gw-1", "START", Daytime);
        var optIn = Assert.Single(Messages(state, SmsTrigger.OptInConfirmation));
        optIn.Status = OutboxStatus.Sending;
        optIn.SentAt = Daytime;
        SmsPlanning.RetryLater(state, optIn, Daytime, maxAttempts: 5, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10), jitter: 1, "HTTP 503");

        // Then STOP, before the retry.
        SmsPlanning.Receive(state, "gw-2", "STOP", Daytime.AddSeconds(10));
        var optOut = Assert.Single(Messages(state, SmsTrigger.OptOutConfirmation));

        // "You're subscribed again" must not follow the STOP: one confirmation, and it is the opt-out.
        var decisions = AttemptDue(state, Daytime.AddMinutes(1));

        Assert.Equal([optOut.Id], decisions.Where(d => d.Decision.IsSend).Select(d => d.Id));
        Assert.False(optIn.IsOpen);
    }

    [Fact]
    public void START_opts_in_and_confirms_once()
    {
        var state = With(ConsentStatus.OptedOut);

        Assert.True(SmsPlanning.Receive(state, "gw-3", "START", Daytime));

        Assert.Equal(new SmsConsent(ConsentStatus.OptedIn, SmsInbound.ConsentSource, Daytime), state.Profile.SmsConsent);
        var confirmation = Assert.Single(Messages(state, SmsTrigger.OptInConfirmation));
        Assert.Equal($"{Make.CustomerId}:opt_in_confirmation:gw-3", confirmation.Id);
        Assert.True(confirmation.Sms!.IsTransactional);

        // Already opted in: no second confirmation, and the recorded decision stays the first.
        Assert.True(SmsPlanning.Receive(state, "gw-4", "start", Daytime.AddMinutes(1)));
        Assert.Equal(Daytime, state.Profile.SmsConsent!.At);
        Assert.Single(Messages(state, SmsTrigger.OptInConfirmation));
    }

    [Fact]
    public void HELP_queues_the_help_text_and_leaves_consent_alone()
    {
        var state = With(ConsentStatus.Unknown);
        var upgrade = Queue(state, SmsTrigger.TierUpgrade, Daytime.AddHours(1));

        Assert.True(SmsPlanning.Receive(state, "gw-5", "help", Daytime));

        Assert.Null(state.Profile.SmsConsent);
        Assert.Equal(OutboxStatus.Pending, upgrade.Status);
        var help = Assert.Single(Messages(state, SmsTrigger.Help));
        Assert.Equal($"{Make.CustomerId}:help:gw-5", help.Id);

        // A keyword reply needs no consent.
        Assert.Equal([(help.Id, SmsDecision.Send(Daytime))], AttemptDue(state, Daytime));
    }

    [Fact]
    public void Other_text_is_recorded_but_changes_nothing()
    {
        var state = Reachable();
        var upgrade = Queue(state, SmsTrigger.TierUpgrade, Daytime);

        Assert.True(SmsPlanning.Receive(state, "gw-6", "thanks, see you soon", Daytime));

        Assert.Equal(ConsentStatus.OptedIn, state.Profile.SmsConsent!.Status);
        Assert.Equal(OutboxStatus.Pending, upgrade.Status);
        Assert.Single(state.Outbox.Messages);
        Assert.False(SmsPlanning.Receive(state, "gw-6", "thanks, see you soon", Daytime));
    }

    // ---- admin consent ----

    [Fact]
    public void Opting_out_cancels_pending_marketing_but_not_transactional()
    {
        var state = Reachable();
        var upgrade = Queue(state, SmsTrigger.TierUpgrade, Daytime);
        var downgrade = Queue(state, SmsTrigger.TierDowngrade, Daytime.AddDays(1));
        var test = Queue(state, SmsTrigger.Test, Daytime);
        var help = Queue(state, SmsTrigger.Help, Daytime);

        SmsPlanning.SetConsent(state, optedIn: false, "admin", Daytime);

        Assert.Equal(new SmsConsent(ConsentStatus.OptedOut, "admin", Daytime), state.Profile.SmsConsent);
        AssertCancelled(upgrade, SmsSuppressionReasons.OptedOut, Daytime);
        AssertCancelled(downgrade, SmsSuppressionReasons.OptedOut, Daytime);
        Assert.Equal(OutboxStatus.Pending, test.Status);
        Assert.Equal(OutboxStatus.Pending, help.Status);
        Assert.Null(test.CompletedAt);
    }

    [Fact]
    public void Opting_in_records_the_decision_and_brings_nothing_back()
    {
        var state = Reachable();
        var upgrade = Queue(state, SmsTrigger.TierUpgrade, Daytime);
        SmsPlanning.SetConsent(state, optedIn: false, "admin", Daytime);

        SmsPlanning.SetConsent(state, optedIn: true, "support", Daytime.AddMinutes(5));

        Assert.Equal(new SmsConsent(ConsentStatus.OptedIn, "support", Daytime.AddMinutes(5)), state.Profile.SmsConsent);
        AssertCancelled(upgrade, SmsSuppressionReasons.OptedOut, Daytime);
        Assert.Empty(AttemptDue(state, Daytime.AddMinutes(5)));
    }

    // ---- retries ----

    private static OutboxMessage BeingSent(CustomerState state, DateTimeOffset at)
    {
        var message = Queue(state, SmsTrigger.TierUpgrade, at);
        message.Status = OutboxStatus.Sending;
        message.SentAt = at;
        return message;
    }

    [Theory]
    // attempt, jitter: delay = min(max, first × 2^(attempt−1)) × (0.5 + 0.5 × jitter)
    [InlineData(1, 0.0, 15)]
    [InlineData(1, 1.0, 30)]
    [InlineData(2, 0.0, 30)]
    [InlineData(2, 1.0, 60)]
    [InlineData(3, 0.5, 90)]
    [InlineData(6, 1.0, 600)]
    [InlineData(9, 0.0, 300)]
    [InlineData(9, 1.0, 600)]
    // Jitter outside [0, 1] is clamped.
    [InlineData(1, -3.0, 15)]
    [InlineData(1, 7.0, 30)]
    public void Retry_later_backs_off_exponentially_within_the_jitter_bounds_and_the_ceiling(int attempt, double jitter, int seconds)
    {
        var state = Reachable();
        var message = BeingSent(state, Daytime);
        var now = Daytime.AddSeconds(1);
        for (var i = 1; i < attempt; i++)
        {
            message.Status = OutboxStatus.Sending;
            SmsPlanning.RetryLater(state, message, now, maxAttempts: 10, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10), jitter: 0, "HTTP 503");
        }

        message.Status = OutboxStatus.Sending;
        SmsPlanning.RetryLater(state, message, now, maxAttempts: 10, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10), jitter, "HTTP 503");

        Assert.Equal(attempt, message.Attempts);
        Assert.Equal(OutboxStatus.Pending, message.Status);
        Assert.Null(message.SentAt);
        Assert.Null(message.CompletedAt);
        Assert.Equal("HTTP 503", message.Detail);
        Assert.Equal(now.AddSeconds(seconds), message.DueAt);
    }

    [Fact]
    public void Every_retry_delay_lies_between_half_and_all_of_the_capped_exponential_delay()
    {
        var first = TimeSpan.FromSeconds(20);
        var max = TimeSpan.FromMinutes(15);
        var random = new Random(20261123);
        for (var run = 0; run < 200; run++)
        {
            var state = Reachable();
            var message = BeingSent(state, Daytime);
            for (var attempt = 1; attempt < 12; attempt++)
            {
                var now = Daytime.AddHours(attempt);
                message.Status = OutboxStatus.Sending;
                SmsPlanning.RetryLater(state, message, now, maxAttempts: 12, first, max, random.NextDouble(), detail: null);

                var ceiling = Math.Min(max.TotalMilliseconds, first.TotalMilliseconds * Math.Pow(2, attempt - 1));
                var delay = (message.DueAt!.Value - now).TotalMilliseconds;
                Assert.InRange(delay, ceiling / 2 - 1, ceiling + 1);
            }
        }
    }

    [Fact]
    public void Retry_later_gives_up_at_max_attempts()
    {
        var state = Reachable();
        var message = BeingSent(state, Daytime);
        var due = new List<DateTimeOffset?>();
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            message.Status = OutboxStatus.Sending;
            SmsPlanning.RetryLater(state, message, Daytime, maxAttempts: 3, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10), jitter: 1, "timeout");
            Assert.Equal(OutboxStatus.Pending, message.Status);
            due.Add(message.DueAt);
        }

        message.Status = OutboxStatus.Sending;
        SmsPlanning.RetryLater(state, message, Daytime.AddMinutes(2), maxAttempts: 3, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10), jitter: 1, detail: null);

        Assert.Equal(3, message.Attempts);
        Assert.Equal(OutboxStatus.Failed, message.Status);
        Assert.Equal(Daytime.AddMinutes(2), message.CompletedAt);
        Assert.Equal("gave up after transient failures", message.Detail);
        Assert.Null(message.SentAt);
        Assert.Equal(due[^1], message.DueAt);
        Assert.Empty(AttemptDue(state, Daytime.AddHours(1)));
    }

    [Fact]
    public void The_last_failure_keeps_the_gateways_words()
    {
        var state = Reachable();
        var message = BeingSent(state, Daytime);

        SmsPlanning.RetryLater(state, message, Daytime, maxAttempts: 1, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10), jitter: 0, "HTTP 502: bad gateway");

        Assert.Equal(OutboxStatus.Failed, message.Status);
        Assert.Equal("HTTP 502: bad gateway", message.Detail);
    }

    // ---- triggers ----

    [Theory]
    [InlineData("test", SmsTrigger.Test)]
    [InlineData("tier_upgrade", SmsTrigger.TierUpgrade)]
    [InlineData("TIER_DOWNGRADE", SmsTrigger.TierDowngrade)]
    [InlineData("points_expiring", SmsTrigger.PointsExpiring)]
    [InlineData("cart_abandoned", SmsTrigger.CartAbandoned)]
    [InlineData("opt_out_confirmation", SmsTrigger.OptOutConfirmation)]
    [InlineData("opt_in_confirmation", SmsTrigger.OptInConfirmation)]
    [InlineData("help", SmsTrigger.Help)]
    // Not a trigger this version knows: read as an operator's test message.
    [InlineData("birthday", SmsTrigger.Test)]
    [InlineData("", SmsTrigger.Test)]
    public void Trigger_of_reads_the_key_and_takes_an_unknown_one_for_a_test(string key, SmsTrigger trigger)
    {
        var message = new OutboxMessage { Id = "m", Kind = OutboxKind.Sms, Sms = new SmsRequest(key, IsTransactional: false, new Dictionary<string, string>()) };

        Assert.Equal(trigger, SmsPlanning.TriggerOf(message));
    }

    [Fact]
    public void A_message_without_an_sms_request_counts_as_a_test() =>
        Assert.Equal(SmsTrigger.Test, SmsPlanning.TriggerOf(new OutboxMessage { Id = "m", Kind = OutboxKind.TierChange }));

    [Fact]
    public void The_test_trigger_is_the_test_key() =>
        Assert.Equal(SmsPlanning.TestTrigger, SmsTriggers.Key(SmsTrigger.Test));

    [Fact]
    public void Queueing_is_idempotent_by_id()
    {
        var state = Reachable();
        Assert.True(SmsPlanning.Queue(state, "c-1:help:gw-1", "help", Daytime, transactional: true));

        Assert.False(SmsPlanning.Queue(state, "c-1:help:gw-1", "help", Daytime.AddMinutes(1), transactional: true));

        Assert.Equal(Daytime, Assert.Single(state.Outbox.Messages).CreatedAt);
    }

    // ---- CustomerNotifications ----

    private static TierChange Change(string from, string to, bool upgrade, DateTimeOffset? at = null) =>
        new(Make.CustomerId, from, to, upgrade ? TierChangeReasons.RollingSpend : TierChangeReasons.Requalification, at ?? T0, upgrade);

    [Fact]
    public void An_upgrade_is_recorded_as_a_tier_change_to_publish_and_an_upgrade_sms()
    {
        var state = Reachable();
        var change = Change("Bronze", "Silver", upgrade: true);

        Assert.Equal(2, CustomerNotifications.Record(state, [change], T0, new LoyaltyRules()));

        Assert.Equal(1, state.EffectSequence);
        Assert.Collection(
            state.Outbox.Messages,
            published =>
            {
                Assert.Equal("c-1:tier-change:1", published.Id);
                Assert.Equal(OutboxKind.TierChange, published.Kind);
                Assert.Equal(OutboxStatus.Pending, published.Status);
                Assert.Equal(new TierChangeNotice("Bronze", "Silver", TierChangeReasons.RollingSpend, T0, IsUpgrade: true), published.TierChange);
                Assert.Null(published.Sms);
            },
            sms =>
            {
                Assert.Equal("c-1:tier_upgrade:1", sms.Id);
                Assert.Equal(OutboxKind.Sms, sms.Kind);
                Assert.Equal(OutboxStatus.Pending, sms.Status);
                Assert.Equal(T0, sms.CreatedAt);
                Assert.Equal(T0, sms.DueAt);
                Assert.Equal("tier_upgrade", sms.Sms!.Trigger);
                Assert.False(sms.Sms.IsTransactional);
                Assert.Equal(new Dictionary<string, string> { ["tier"] = "Silver", ["previous_tier"] = "Bronze", ["occurred_at"] = T0.ToString("O", System.Globalization.CultureInfo.InvariantCulture) }, sms.Sms.Data);
            });
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    public void A_downgrade_gets_an_sms_only_when_configured(bool sendDowngradeSms, int added)
    {
        var state = Reachable();

        var changes = CustomerNotifications.Record(state, [Change("Gold", "Silver", upgrade: false)], T0, new LoyaltyRules { SendDowngradeSms = sendDowngradeSms });

        Assert.Equal(added, changes);
        Assert.Equal("c-1:tier-change:1", state.Outbox.Messages[0].Id);
        var sms = Messages(state, SmsTrigger.TierDowngrade);
        if (sendDowngradeSms)
        {
            Assert.Equal("c-1:tier_downgrade:1", Assert.Single(sms).Id);
            Assert.Equal("Silver", sms[0].Sms!.Data["tier"]);
            Assert.Equal("Gold", sms[0].Sms!.Data["previous_tier"]);
        }
        else
        {
            Assert.Empty(sms);
            Assert.Single(state.Outbox.Messages);
        }
    }

    [Fact]
    public void An_upgrade_sms_is_sent_even_when_downgrade_sms_are_off()
    {
        var state = Reachable();

        CustomerNotifications.Record(state, [Change("Bronze", "Silver", upgrade: true)], T0, new LoyaltyRules { SendDowngradeSms = false });

        Assert.Single(Messages(state, SmsTrigger.TierUpgrade));
    }

    [Fact]
    public void Tier_change_ids_follow_the_states_sequence_so_a_replay_from_the_same_state_gives_the_same_ids()
    {
        var rules = new LoyaltyRules();
        var first = Reachable();
        var replay = Reachable();
        var changes = new LoyaltyEffect[] { Change("Bronze", "Silver", upgrade: true), Change("Silver", "Gold", upgrade: true, T0.AddDays(3)) };

        CustomerNotifications.Record(first, changes, T0, rules);
        CustomerNotifications.Record(replay, changes, T0, rules);

        Assert.Equal(["c-1:tier-change:1", "c-1:tier_upgrade:1", "c-1:tier-change:2", "c-1:tier_upgrade:2"], first.Outbox.Messages.Select(m => m.Id));
        Assert.Equal(first.Outbox.Messages.Select(m => m.Id), replay.Outbox.Messages.Select(m => m.Id));
        Assert.Equal(2, first.EffectSequence);
    }

    [Fact]
    public void The_same_expiry_reminder_recorded_twice_is_one_message()
    {
        var state = Reachable();
        var expires = new DateTimeOffset(2027, 11, 23, 10, 0, 0, TimeSpan.Zero);
        state.Loyalty.Lots.Add(new PointsLot { LotId = "order:o-1", Earned = 100, Remaining = 100, EarnedAt = T0, ExpiresAt = expires });
        var reminder = new ExpiryReminder("order:o-1", 14, 100, expires);
        var rules = new LoyaltyRules();

        Assert.Equal(1, CustomerNotifications.Record(state, [reminder], T0, rules));
        Assert.Equal(0, CustomerNotifications.Record(state, [reminder], T0.AddMinutes(1), rules));

        var message = Assert.Single(state.Outbox.Messages);
        Assert.Equal("c-1:points_expiring:order:o-1:14:2027-11-23", message.Id);
        Assert.Equal(T0, message.CreatedAt);
        Assert.False(message.Sms!.IsTransactional);
        Assert.Equal("100", message.Sms.Data["points"]);
        Assert.Equal(expires, DateTimeOffset.Parse(message.Sms.Data["expires_at"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, state.EffectSequence);
    }

    [Fact]
    public void A_moved_expiry_rearms_its_reminder_under_a_new_id()
    {
        var state = Reachable();
        var rules = new LoyaltyRules { Expiry = PointsExpiryMode.RollingInactivity };
        var expires = new DateTimeOffset(2027, 11, 23, 10, 0, 0, TimeSpan.Zero);
        var lot = new PointsLot { LotId = "order:o-1", Earned = 100, Remaining = 100, EarnedAt = T0, ExpiresAt = expires };
        state.Loyalty.Lots.Add(lot);

        CustomerNotifications.Record(state, [new ExpiryReminder(LoyaltyAccount.RollingLotId, 14, 100, expires)], T0, rules);
        // Activity moved the expiry on; the reminder day of the new expiry comes round.
        lot.ExpiresAt = expires.AddMonths(2);
        CustomerNotifications.Record(state, [new ExpiryReminder(LoyaltyAccount.RollingLotId, 14, 100, lot.ExpiresAt)], T0, rules);

        Assert.Equal(
            ["c-1:points_expiring:all:14:2027-11-23", "c-1:points_expiring:all:14:2028-01-23"],
            state.Outbox.Messages.Select(m => m.Id));
        Assert.Equal(OutboxStatus.Pending, state.Outbox.Messages[1].Status);
    }

    [Fact]
    public void Recording_withdraws_a_pending_reminder_whose_points_were_spent()
    {
        var (feed, reminder, at) = RemindedOfExpiringPoints();
        Assert.Equal(0, CustomerNotifications.Record(feed.State, [], at, feed.Rules.Loyalty));

        feed.ApplyAll(Make.Redeem(at, 100));
        var withdrawn = CustomerNotifications.Record(feed.State, feed.State.TakeLoyaltyEffects(), at.AddMinutes(1), feed.Rules.Loyalty);

        Assert.Equal(1, withdrawn);
        AssertCancelled(reminder, SmsSuppressionReasons.Stale, at.AddMinutes(1));
    }

    [Fact]
    public void A_reminder_already_handed_out_is_not_withdrawn()
    {
        var (feed, reminder, at) = RemindedOfExpiringPoints();
        reminder.Status = OutboxStatus.Sending;
        feed.ApplyAll(Make.Redeem(at, 100));

        Assert.Equal(0, CustomerNotifications.Record(feed.State, [], at, feed.Rules.Loyalty));
        Assert.Equal(OutboxStatus.Sending, reminder.Status);
    }

    [Fact]
    public void A_rolling_mode_reminder_is_owed_while_its_points_are_available()
    {
        var account = new LoyaltyAccount();
        var expires = T0.AddMonths(12);
        account.Lots.Add(new PointsLot { LotId = "order:o-1", Earned = 10, Remaining = 10, EarnedAt = T0, ExpiresAt = expires });
        var reminder = new SmsRequest("points_expiring", IsTransactional: false, new Dictionary<string, string>
        {
            ["lot_id"] = LoyaltyAccount.RollingLotId,
            ["points"] = "10",
            ["expires_at"] = expires.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.True(CustomerNotifications.IsStillOwed(account, reminder, T0));
        Assert.False(CustomerNotifications.IsStillOwed(account, reminder, expires));
        account.Lots[0].Remaining = 0;
        Assert.False(CustomerNotifications.IsStillOwed(account, reminder, T0));
    }

    [Fact]
    public void A_reminder_for_a_lot_the_account_no_longer_holds_is_not_owed()
    {
        var reminder = new SmsRequest("points_expiring", IsTransactional: false, new Dictionary<string, string> { ["lot_id"] = "order:gone" });

        Assert.False(CustomerNotifications.IsStillOwed(new LoyaltyAccount(), reminder, T0));
    }
}

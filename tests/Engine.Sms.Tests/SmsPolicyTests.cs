using Engine.Domain.Events;
using Engine.Domain.Sms;

namespace Engine.Sms.Tests;

[Trait("Category", "Unit")]
public sealed class SmsPolicyTests
{
    private const string Paris = "Europe/Paris";
    private static readonly SmsPolicyOptions Options = new();
    private static readonly DateTimeOffset Noon = Make.Local(Paris, 2026, 6, 10, 12);
    private static readonly DateTimeOffset Night = Make.Local(Paris, 2026, 6, 10, 23);

    private static SmsDecision Decide(SmsCandidate candidate, CustomerContact? contact = null, SmsHistory? history = null, DateTimeOffset? now = null) =>
        SmsPolicy.Decide(candidate, contact ?? Make.Contact(), history ?? SmsHistory.Empty, now ?? candidate.DueAt, Options);

    [Fact]
    public void Opted_in_marketing_due_in_the_window_is_sent_now() =>
        Assert.Equal(SmsDecision.Send(Noon), Decide(Make.Candidate(SmsTrigger.TierUpgrade, Noon)));

    [Theory]
    [InlineData(ConsentStatus.OptedOut, SmsSuppressionReasons.OptedOut)]
    [InlineData(ConsentStatus.Unknown, SmsSuppressionReasons.NoConsent)]
    public void Marketing_needs_consent(ConsentStatus consent, string reason) =>
        Assert.Equal(SmsDecision.Suppress(reason), Decide(Make.Candidate(SmsTrigger.CartAbandoned, Noon), Make.Contact(consent)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0612345678")]
    [InlineData("+0612345678")]
    [InlineData("+33 6 12 34 56 78")]
    public void Marketing_needs_an_E164_phone(string? phone) =>
        Assert.Equal(
            SmsDecision.Suppress(SmsSuppressionReasons.InvalidPhone),
            Decide(Make.Candidate(SmsTrigger.CartAbandoned, Noon), Make.Contact(phone: phone)));

    [Fact]
    public void Stale_marketing_is_dropped_even_in_quiet_hours() =>
        Assert.Equal(SmsDecision.Suppress(SmsSuppressionReasons.Stale), Decide(Make.Candidate(SmsTrigger.CartAbandoned, Night, stale: true)));

    [Fact]
    public void Marketing_due_in_quiet_hours_is_deferred_to_the_next_allowed_minute_not_dropped()
    {
        var decision = Decide(Make.Candidate(SmsTrigger.CartAbandoned, Night));

        Assert.Equal(SmsDecision.Defer(Make.Local(Paris, 2026, 6, 11, 8), SmsDeferReasons.QuietHours), decision);
    }

    [Fact]
    public void Deferred_message_that_went_stale_meanwhile_is_dropped_when_its_turn_comes()
    {
        var candidate = Make.Candidate(SmsTrigger.CartAbandoned, Night);
        var morning = Make.Local(Paris, 2026, 6, 11, 8);

        Assert.Equal(SmsOutcome.Defer, Decide(candidate).Outcome);
        Assert.Equal(SmsDecision.Send(morning), Decide(candidate, now: morning));
        Assert.Equal(SmsDecision.Suppress(SmsSuppressionReasons.Stale), Decide(candidate with { IsStale = true }, now: morning));
    }

    [Fact]
    public void Marketing_not_yet_due_waits_for_its_due_time()
    {
        var dueAt = Noon.AddHours(3);

        Assert.Equal(SmsDecision.Defer(dueAt, SmsDeferReasons.NotDue), Decide(Make.Candidate(SmsTrigger.TierUpgrade, dueAt), now: Noon));
        // Due later in quiet hours: straight to the next allowed minute.
        Assert.Equal(
            SmsDecision.Defer(Make.Local(Paris, 2026, 6, 11, 8), SmsDeferReasons.QuietHours),
            Decide(Make.Candidate(SmsTrigger.TierUpgrade, Night), now: Noon));
    }

    [Fact]
    public void Overdue_marketing_is_judged_at_now()
    {
        // Due at noon but looked at 23:00: quiet hours apply to now, not to the due time.
        var decision = Decide(Make.Candidate(SmsTrigger.TierUpgrade, Noon), now: Night);

        Assert.Equal(SmsDecision.Defer(Make.Local(Paris, 2026, 6, 11, 8), SmsDeferReasons.QuietHours), decision);
    }

    [Fact]
    public void Capped_marketing_is_suppressed_with_the_reason()
    {
        var sentThisMorning = Make.Sent(SmsTrigger.TierUpgrade, Noon.AddHours(-3));
        var week = new[]
        {
            Make.Sent(SmsTrigger.TierUpgrade, Noon.AddDays(-1)),
            Make.Sent(SmsTrigger.TierUpgrade, Noon.AddDays(-2)),
            Make.Sent(SmsTrigger.TierUpgrade, Noon.AddDays(-3)),
        };

        Assert.Equal(
            SmsDecision.Suppress(SmsSuppressionReasons.CappedDaily),
            Decide(Make.Candidate(SmsTrigger.CartAbandoned, Noon), history: Make.History([sentThisMorning])));
        Assert.Equal(
            SmsDecision.Suppress(SmsSuppressionReasons.CappedWeekly),
            Decide(Make.Candidate(SmsTrigger.CartAbandoned, Noon), history: Make.History(week)));
    }

    [Fact]
    public void Cap_is_checked_on_the_day_the_message_finally_goes_out()
    {
        // Sent one at noon; a second due at 23:00 is deferred (not capped) and goes out tomorrow.
        var history = Make.History([Make.Sent(SmsTrigger.TierUpgrade, Noon)]);
        var candidate = Make.Candidate(SmsTrigger.CartAbandoned, Night);
        var morning = Make.Local(Paris, 2026, 6, 11, 8);

        Assert.Equal(SmsDecision.Defer(morning, SmsDeferReasons.QuietHours), Decide(candidate, history: history));
        Assert.Equal(SmsDecision.Send(morning), Decide(candidate, history: history, now: morning));
    }

    [Fact]
    public void Points_expiry_reminder_later_the_same_day_wins_over_a_cart_reminder_due_now()
    {
        var cart = Make.Candidate(SmsTrigger.CartAbandoned, Make.Local(Paris, 2026, 6, 10, 10), id: "cart");
        var expiry = Make.Candidate(SmsTrigger.PointsExpiring, Make.Local(Paris, 2026, 6, 10, 15), id: "expiry");
        var pending = Make.History(pending: [cart, expiry]);

        Assert.Equal(SmsDecision.Suppress(SmsSuppressionReasons.LowerPriority), Decide(cart, history: pending));
        Assert.Equal(SmsDecision.Send(expiry.DueAt), Decide(expiry, history: Make.History(pending: [expiry])));
    }

    [Fact]
    public void Higher_priority_due_now_is_sent_while_the_lower_one_waits()
    {
        var cart = Make.Candidate(SmsTrigger.CartAbandoned, Noon, id: "cart");
        var expiry = Make.Candidate(SmsTrigger.PointsExpiring, Noon, id: "expiry");
        var pending = Make.History(pending: [cart, expiry]);

        Assert.Equal(SmsDecision.Send(Noon), Decide(expiry, history: pending));
        Assert.Equal(SmsDecision.Suppress(SmsSuppressionReasons.LowerPriority), Decide(cart, history: pending));
        // Once the expiry reminder went out, the cart reminder meets the daily cap instead.
        Assert.Equal(
            SmsDecision.Suppress(SmsSuppressionReasons.CappedDaily),
            Decide(cart, history: Make.History([Make.Sent(SmsTrigger.PointsExpiring, Noon)], [cart])));
    }

    [Theory]
    // Due tomorrow: another day, no competition.
    [InlineData(2026, 6, 11, 9, false)]
    // Due at 22:00 today: quiet hours push it to tomorrow 08:00, so it competes tomorrow.
    [InlineData(2026, 6, 10, 22, false)]
    // Due at 20:00 today: competes today.
    [InlineData(2026, 6, 10, 20, true)]
    public void Only_messages_that_would_go_out_the_same_customer_day_compete(int year, int month, int day, int hour, bool competes)
    {
        var cart = Make.Candidate(SmsTrigger.CartAbandoned, Noon, id: "cart");
        var expiry = Make.Candidate(SmsTrigger.PointsExpiring, Make.Local(Paris, year, month, day, hour), id: "expiry");

        var decision = Decide(cart, history: Make.History(pending: [cart, expiry]));

        Assert.Equal(competes ? SmsDecision.Suppress(SmsSuppressionReasons.LowerPriority) : SmsDecision.Send(Noon), decision);
    }

    [Fact]
    public void Stale_or_transactional_pending_messages_do_not_compete()
    {
        var cart = Make.Candidate(SmsTrigger.CartAbandoned, Noon, id: "cart");
        var staleExpiry = Make.Candidate(SmsTrigger.PointsExpiring, Noon.AddHours(2), id: "expiry", stale: true);
        var help = Make.Candidate(SmsTrigger.Help, Noon, id: "help");

        Assert.Equal(SmsDecision.Send(Noon), Decide(cart, history: Make.History(pending: [cart, staleExpiry, help])));
    }

    [Fact]
    public void When_the_cap_allows_two_the_lower_priority_message_goes_too()
    {
        var cart = Make.Candidate(SmsTrigger.CartAbandoned, Noon, id: "cart");
        var expiry = Make.Candidate(SmsTrigger.PointsExpiring, Noon.AddHours(2), id: "expiry");
        var contact = Make.Contact(caps: new SmsCaps { MaxPerDay = 2, MaxPerWeek = 5 });

        Assert.Equal(SmsDecision.Send(Noon), Decide(cart, contact, Make.History(pending: [cart, expiry])));
    }

    [Fact]
    public void Equal_priorities_go_first_come_first_served()
    {
        var first = Make.Candidate(SmsTrigger.CartAbandoned, Noon, id: "cart-b", createdAt: Noon.AddHours(-2));
        var second = Make.Candidate(SmsTrigger.CartAbandoned, Noon, id: "cart-a", createdAt: Noon.AddHours(-1));
        var pending = Make.History(pending: [first, second]);

        Assert.Equal(SmsDecision.Send(Noon), Decide(first, history: pending));
        Assert.Equal(SmsDecision.Suppress(SmsSuppressionReasons.LowerPriority), Decide(second, history: pending));
    }

    [Fact]
    public void Configured_priorities_can_reverse_the_order()
    {
        var options = new SmsPolicyOptions();
        options.Priorities[SmsTrigger.CartAbandoned] = 50;
        var cart = Make.Candidate(SmsTrigger.CartAbandoned, Noon, id: "cart");
        var expiry = Make.Candidate(SmsTrigger.PointsExpiring, Noon, id: "expiry");

        Assert.Equal(SmsDecision.Send(Noon), SmsPolicy.Decide(cart, Make.Contact(), Make.History(pending: [cart, expiry]), Noon, options));
    }

    [Theory]
    [InlineData(SmsTrigger.OptOutConfirmation)]
    [InlineData(SmsTrigger.OptInConfirmation)]
    [InlineData(SmsTrigger.Help)]
    public void Keyword_replies_go_out_now_whatever_the_consent_quiet_hours_or_caps(SmsTrigger reply)
    {
        var fullDay = Make.History([Make.Sent(SmsTrigger.TierUpgrade, Night.AddHours(-2))]);

        foreach (var consent in Enum.GetValues<ConsentStatus>())
        {
            Assert.Equal(SmsDecision.Send(Night), Decide(Make.Candidate(reply, Night), Make.Contact(consent), fullDay));
        }
    }

    [Fact]
    public void Keyword_replies_still_need_a_valid_phone() =>
        Assert.Equal(
            SmsDecision.Suppress(SmsSuppressionReasons.InvalidPhone),
            Decide(Make.Candidate(SmsTrigger.OptOutConfirmation, Noon), Make.Contact(ConsentStatus.OptedOut, phone: "12345")));

    [Fact]
    public void Other_transactional_messages_never_go_to_opted_out_customers()
    {
        Assert.Equal(SmsDecision.Suppress(SmsSuppressionReasons.OptedOut), Decide(Make.Candidate(SmsTrigger.Test, Night), Make.Contact(ConsentStatus.OptedOut)));
        Assert.Equal(SmsDecision.Send(Night), Decide(Make.Candidate(SmsTrigger.Test, Night), Make.Contact(ConsentStatus.Unknown)));
    }

    [Fact]
    public void Kind_follows_the_trigger()
    {
        Assert.All(
            new[] { SmsTrigger.TierUpgrade, SmsTrigger.TierDowngrade, SmsTrigger.PointsExpiring, SmsTrigger.CartAbandoned },
            t => Assert.Equal(SmsKind.Marketing, Make.Candidate(t, Noon).Kind));
        Assert.All(
            new[] { SmsTrigger.OptOutConfirmation, SmsTrigger.OptInConfirmation, SmsTrigger.Help, SmsTrigger.Test },
            t => Assert.Equal(SmsKind.Transactional, Make.Candidate(t, Noon).Kind));
    }

    [Fact]
    public void Default_options_are_valid_and_triggers_round_trip_through_their_keys()
    {
        Assert.Empty(new SmsPolicyOptions().Validate());
        Assert.NotEmpty(new SmsPolicyOptions { DefaultTimeZone = "Nowhere/Land" }.Validate());
        Assert.All(SmsTriggers.All, t => Assert.True(SmsTriggers.TryParseKey(SmsTriggers.Key(t), out var back) && back == t));
    }
}

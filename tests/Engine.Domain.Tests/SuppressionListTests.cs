using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Sms;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class SuppressionListTests
{
    private static readonly DateTimeOffset Daytime = SmsCustomer.Local(SmsCustomer.Paris, 2026, 11, 23, 14);
    private static readonly TimeSpan HelpInterval = TimeSpan.FromHours(1);
    private static readonly SmsPolicyOptions Policy = new();

    private static CustomerState Holder(string id, SuppressionEntry entry, ConsentStatus consent = ConsentStatus.OptedIn)
    {
        var state = SmsCustomer.With(consent);
        state.CustomerId = id;
        SuppressionList.Claim(entry, id);
        SmsPlanning.NumberClaimed(state, state.Profile.Phone, entry.Latest, Daytime);
        return state;
    }

    private static void Deliver(NumberInboundOutcome outcome, params CustomerState[] holders)
    {
        foreach (var holder in holders)
        {
            SmsPlanning.ReceiveFromNumber(holder, outcome.Instruction);
        }
    }

    private static int Confirmations(params CustomerState[] holders) =>
        holders.Sum(h => SmsCustomer.Messages(h, SmsTrigger.OptOutConfirmation).Count);

    [Fact]
    public void A_STOP_records_the_opt_out_with_the_engine_time_and_the_keyword_source()
    {
        var entry = new SuppressionEntry();

        var outcome = SuppressionList.Receive(entry, "gw-1", "STOP", Daytime, HelpInterval);

        Assert.Equal(new SmsConsent(ConsentStatus.OptedOut, SmsInbound.ConsentSource, Daytime), entry.Latest);
        Assert.Equal(entry.Latest, outcome.Instruction.Consent);
        Assert.True(SuppressionList.IsSuppressed(entry.Latest));
    }

    [Fact]
    public void A_STOP_from_a_number_nobody_holds_is_kept_and_the_customer_who_claims_it_later_starts_opted_out()
    {
        var entry = new SuppressionEntry();
        SuppressionList.Receive(entry, "gw-1", "stop", Daytime, HelpInterval);

        var later = Holder("c-late", entry);
        var cart = SmsCustomer.Queue(later, SmsTrigger.CartAbandoned, Daytime.AddMinutes(5));

        Assert.Equal(ConsentStatus.OptedOut, later.Profile.SmsConsent!.Status);
        Assert.Equal(SmsOutcome.Suppress, SmsPlanning.Decide(later, cart, Daytime.AddMinutes(5), Policy).Outcome);
    }

    [Fact]
    public void One_STOP_opts_out_every_customer_sharing_the_number_with_one_confirmation()
    {
        var entry = new SuppressionEntry();
        var (ana, bob) = (Holder("c-ana", entry), Holder("c-bob", entry));

        Deliver(SuppressionList.Receive(entry, "gw-1", "STOP", Daytime, HelpInterval), ana, bob);

        Assert.All([ana, bob], h => Assert.Equal(ConsentStatus.OptedOut, h.Profile.SmsConsent!.Status));
        Assert.Equal(1, Confirmations(ana, bob));
        Assert.Single(SmsCustomer.Messages(ana, SmsTrigger.OptOutConfirmation)); // the first holder, in ordinal order
    }

    [Fact]
    public void A_second_STOP_gets_no_second_confirmation_and_is_counted_as_withheld()
    {
        var entry = new SuppressionEntry();
        var ana = Holder("c-ana", entry);
        Deliver(SuppressionList.Receive(entry, "gw-1", "STOP", Daytime, HelpInterval), ana);

        var again = SuppressionList.Receive(entry, "gw-2", "STOP", Daytime.AddMinutes(1), HelpInterval);
        Deliver(again, ana);

        Assert.Equal((SmsTrigger?)SmsTrigger.OptOutConfirmation, again.Withheld);
        Assert.Null(again.Instruction.Reply);
        Assert.Equal(1, Confirmations(ana));
        Assert.Equal(Daytime, entry.Latest!.At); // the opt-out began with the first STOP
    }

    [Fact]
    public void A_retried_callback_is_decided_once()
    {
        var entry = new SuppressionEntry();
        var ana = Holder("c-ana", entry);
        var first = SuppressionList.Receive(entry, "gw-1", "STOP", Daytime, HelpInterval);
        Deliver(first, ana);

        var retry = SuppressionList.Receive(entry, "gw-1", "STOP", Daytime.AddSeconds(10), HelpInterval);
        Deliver(retry, ana);

        Assert.False(retry.IsNew);
        Assert.Equal(first.Instruction, retry.Instruction);
        Assert.Equal(1, Confirmations(ana));
    }

    [Fact]
    public void A_number_change_by_one_customer_does_not_release_the_number_for_the_other()
    {
        var entry = new SuppressionEntry();
        var (ana, bob) = (Holder("c-ana", entry), Holder("c-bob", entry));
        Deliver(SuppressionList.Receive(entry, "gw-1", "STOP", Daytime, HelpInterval), ana, bob);

        SuppressionList.Release(entry, ana.CustomerId);
        ana.Profile.Phone = "+33698765432";
        SmsPlanning.NumberClaimed(ana, ana.Profile.Phone, null, Daytime.AddMinutes(1));
        // Bob opts in again on the web: the handset's STOP still holds.
        bob.Profile.SmsConsent = new SmsConsent(ConsentStatus.OptedIn, "web-form", Daytime.AddMinutes(2));
        var cart = SmsCustomer.Queue(bob, SmsTrigger.CartAbandoned, Daytime.AddMinutes(3));

        Assert.True(SuppressionList.IsSuppressed(entry.Latest));
        Assert.Equal([bob.CustomerId], entry.Customers);
        Assert.Equal(SmsDecision.Suppress(SmsSuppressionReasons.OptedOut), SmsPlanning.Decide(bob, cart, Daytime.AddMinutes(3), Policy));
    }

    [Fact]
    public void A_START_from_the_number_lifts_the_suppression_for_every_holder_with_one_confirmation()
    {
        var entry = new SuppressionEntry();
        var (ana, bob) = (Holder("c-ana", entry), Holder("c-bob", entry));
        Deliver(SuppressionList.Receive(entry, "gw-1", "STOP", Daytime, HelpInterval), ana, bob);

        Deliver(SuppressionList.Receive(entry, "gw-2", "START", Daytime.AddMinutes(1), HelpInterval), ana, bob);

        Assert.False(SuppressionList.IsSuppressed(entry.Latest));
        Assert.All([ana, bob], h => Assert.Equal(ConsentStatus.OptedIn, h.Profile.SmsConsent!.Status));
        Assert.Equal(1, ana.Outbox.Messages.Count(m => m.Sms!.Trigger == SmsTriggers.Key(SmsTrigger.OptInConfirmation)) + bob.Outbox.Messages.Count(m => m.Sms!.Trigger == SmsTriggers.Key(SmsTrigger.OptInConfirmation)));
    }

    [Fact]
    public void HELP_is_answered_once_per_interval_per_number_and_the_others_are_withheld()
    {
        var entry = new SuppressionEntry();
        var (ana, bob) = (Holder("c-ana", entry), Holder("c-bob", entry));

        var outcomes = Enumerable.Range(0, 3).Select(i => SuppressionList.Receive(entry, $"gw-{i}", "HELP", Daytime.AddMinutes(i * 10), HelpInterval)).ToList();
        outcomes.ForEach(o => Deliver(o, ana, bob));
        var afterAnHour = SuppressionList.Receive(entry, "gw-9", "help", Daytime.AddHours(1), HelpInterval);

        Assert.Equal([SmsTrigger.Help, null, null], outcomes.Select(o => o.Instruction.Reply));
        Assert.Equal([null, SmsTrigger.Help, SmsTrigger.Help], outcomes.Select(o => o.Withheld));
        Assert.Equal(1, SmsCustomer.Messages(ana, SmsTrigger.Help).Count + SmsCustomer.Messages(bob, SmsTrigger.Help).Count);
        Assert.Equal((SmsTrigger?)SmsTrigger.Help, afterAnHour.Instruction.Reply);
    }

    [Fact]
    public void Other_words_change_nothing_and_are_not_answered()
    {
        var entry = new SuppressionEntry();

        var outcome = SuppressionList.Receive(entry, "gw-1", "when does my order arrive?", Daytime, HelpInterval);

        Assert.Equal((SmsKeyword.None, (SmsConsent?)null, (SmsTrigger?)null, (SmsTrigger?)null), (outcome.Instruction.Keyword, outcome.Instruction.Consent, outcome.Instruction.Reply, outcome.Withheld));
        Assert.Null(entry.Latest);
    }

    [Fact]
    public void Claims_and_releases_are_idempotent_and_keep_holders_in_ordinal_order()
    {
        var entry = new SuppressionEntry();

        Assert.True(SuppressionList.Claim(entry, "c-b"));
        Assert.True(SuppressionList.Claim(entry, "c-a"));
        Assert.False(SuppressionList.Claim(entry, "c-b"));
        Assert.True(SuppressionList.Release(entry, "c-b"));
        Assert.False(SuppressionList.Release(entry, "c-b"));

        Assert.Equal(["c-a"], entry.Customers);
    }

    [Fact]
    public void A_STOP_cancels_pending_marketing_of_every_holder()
    {
        var entry = new SuppressionEntry();
        var (ana, bob) = (Holder("c-ana", entry), Holder("c-bob", entry));
        var anaCart = SmsCustomer.Queue(ana, SmsTrigger.CartAbandoned, Daytime.AddHours(1));
        var bobCart = SmsCustomer.Queue(bob, SmsTrigger.CartAbandoned, Daytime.AddHours(1));

        Deliver(SuppressionList.Receive(entry, "gw-1", "STOP", Daytime, HelpInterval), ana, bob);

        Assert.Equal((OutboxStatus.Cancelled, OutboxStatus.Cancelled), (anaCart.Status, bobCart.Status));
    }

    [Fact]
    public void A_stop_in_a_sentence_from_the_handset_opts_out_every_holder()
    {
        var entry = new SuppressionEntry();
        var (ana, ben) = (Holder("ana", entry), Holder("ben", entry));

        Deliver(SuppressionList.Receive(entry, "gw-1", "can you stop texting me", Daytime, Policy), ana, ben);

        Assert.True(SuppressionList.IsSuppressed(entry.Latest));
        Assert.Equal(1, Confirmations(ana, ben));
    }

    [Fact]
    public void An_unclear_reply_gets_one_clarification_per_interval_from_one_holder()
    {
        var entry = new SuppressionEntry();
        var (ana, ben) = (Holder("ana", entry), Holder("ben", entry));

        Deliver(SuppressionList.Receive(entry, "gw-1", "who is this?", Daytime, Policy), ana, ben);
        var again = SuppressionList.Receive(entry, "gw-2", "seriously, who is this", Daytime.AddDays(29), Policy);
        Deliver(again, ana, ben);

        Assert.Equal(1, SmsCustomer.Messages(ana, SmsTrigger.Clarification).Count + SmsCustomer.Messages(ben, SmsTrigger.Clarification).Count);
        Assert.Equal(SmsTrigger.Clarification, again.Withheld);
        Assert.Null(entry.Latest);
        Assert.Equal(SmsTrigger.Clarification, SuppressionList.Receive(entry, "gw-3", "who is this?", Daytime.AddDays(30), Policy).Instruction.Reply);
    }

    [Fact]
    public void A_suppressed_number_gets_no_clarification()
    {
        var entry = new SuppressionEntry();
        SuppressionList.Receive(entry, "gw-1", "STOP", Daytime, Policy);

        var outcome = SuppressionList.Receive(entry, "gw-2", "who is this?", Daytime.AddMinutes(5), Policy);

        Assert.Null(outcome.Instruction.Reply);
        Assert.Null(outcome.Withheld);
    }

    [Fact]
    public void The_configured_keywords_decide_for_the_number()
    {
        var entry = new SuppressionEntry();
        var policy = new SmsPolicyOptions { Keywords = new SmsKeywordOptions { OptOut = ["ARRET"] } };

        SuppressionList.Receive(entry, "gw-1", "Arrêt", Daytime, policy);

        Assert.True(SuppressionList.IsSuppressed(entry.Latest));
    }
}

using Engine.Domain.Events;
using Engine.Domain.Sms;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Sms.Tests;

/// <summary>Nothing is ever sent to an opted-out customer, except the answers to their own keywords.</summary>
[Trait("Category", "Unit")]
public sealed class OptOutProperties
{
    private static readonly SmsPolicyOptions Options = new();
    private static readonly DateTimeOffset Start = Make.Utc(2026, 1, 1, 0);
    private static readonly string[] Zones = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC", "Nowhere/Land"];
    private static readonly string?[] Phones = [Make.ValidPhone, "+14155550123", null, "", "0612345678", "+0012345678", "+33 6 12"];

    private static readonly string[] Inbound =
    [
        "STOP", "Stop.", " stop please ", "unsubscribe", "OPT OUT", "quit", "end", "revoke", "cancel", "stopall",
        "START", "unstop", "Yes", "HELP", "info", "hello", "stopping", "non-stop", "please stop", "",
        "who is this?", "don't stop the offers", "no more texts", "alto", "opt in", "I don't want these texts",
    ];

    [Property(MaxTest = 500)]
    public Property No_marketing_is_ever_sent_without_opt_in() =>
        Prop.ForAll(Situations(Gen.Elements(ConsentStatus.OptedOut, ConsentStatus.Unknown)).ToArbitrary(), s =>
        {
            var decision = SmsPolicy.Decide(s.Candidate, s.Contact, s.History, s.Now, Options);

            if (s.Candidate.Kind == SmsKind.Marketing)
            {
                Assert.NotEqual(SmsOutcome.Send, decision.Outcome);
                Assert.Equal(SmsOutcome.Suppress, decision.Outcome);
            }
        });

    [Property(MaxTest = 500)]
    public Property Opted_out_customers_get_only_keyword_replies() =>
        Prop.ForAll(Situations(Gen.Constant(ConsentStatus.OptedOut)).ToArbitrary(), s =>
        {
            var decision = SmsPolicy.Decide(s.Candidate, s.Contact, s.History, s.Now, Options);

            if (decision.IsSend)
            {
                Assert.True(SmsTriggers.IsKeywordReply(s.Candidate.Trigger), $"{s.Candidate.Trigger} sent to an opted-out customer");
            }

            if (!SmsTriggers.IsKeywordReply(s.Candidate.Trigger))
            {
                Assert.Equal(SmsDecision.Suppress(SmsSuppressionReasons.OptedOut), decision);
            }
        });

    [Property(MaxTest = 300)]
    public Property Keyword_replies_always_reach_a_valid_phone() =>
        Prop.ForAll(Situations(Gen.Elements(Enum.GetValues<ConsentStatus>())).ToArbitrary(), s =>
        {
            var reply = s.Candidate with { Trigger = SmsTrigger.OptOutConfirmation, DueAt = s.Now, IsStale = false };
            var contact = s.Contact with { Phone = Make.ValidPhone };

            Assert.Equal(SmsDecision.Send(s.Now), SmsPolicy.Decide(reply, contact, s.History, s.Now, Options));
        });

    /// <summary>
    /// A customer's life: inbound keywords and new candidates interleaved over weeks, with deferred
    /// messages re-decided when their time comes, exactly as the grain will drive the policy.
    /// Whatever the order, every message that goes out while the customer is opted out is a
    /// keyword reply, and every marketing message goes out while they are opted in.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Nothing_is_ever_sent_to_an_opted_out_customer_over_any_sequence() =>
        Prop.ForAll(Lives().ToArbitrary(), life =>
        {
            var consent = life.InitialConsent;
            var contact = Make.Contact(consent, life.Zone, life.Phone);
            var sent = new List<SentSms>();
            var pending = new List<SmsCandidate>();
            var now = Start;

            void Decide(SmsCandidate candidate)
            {
                var decision = SmsPolicy.Decide(candidate, contact with { Consent = consent }, new SmsHistory(sent, pending), now, Options);
                pending.RemoveAll(p => p.Id == candidate.Id);
                switch (decision.Outcome)
                {
                    case SmsOutcome.Send:
                        Assert.True(consent == ConsentStatus.OptedIn || candidate.Kind == SmsKind.Transactional, $"{candidate.Trigger} sent with consent {consent}");
                        Assert.True(consent != ConsentStatus.OptedOut || SmsTriggers.IsKeywordReply(candidate.Trigger), $"{candidate.Trigger} sent to an opted-out customer");
                        sent.Add(new SentSms(candidate.Id, candidate.Trigger, now));
                        break;
                    case SmsOutcome.Defer:
                        Assert.True(decision.At > now);
                        pending.Add(candidate);
                        break;
                }
            }

            foreach (var (step, index) in life.Steps.Select((s, i) => (s, i)))
            {
                now = now.AddMinutes(step.MinutesLater);
                foreach (var due in pending.Where(p => QuietHours.NextAllowed(p.DueAt, life.Zone, Options) <= now).ToList())
                {
                    Decide(due);
                }

                if (step.Inbound is { } text)
                {
                    var outcome = SmsInbound.Handle(text, consent, pending, now);
                    pending.RemoveAll(p => outcome.CancelPending.Contains(p.Id));
                    consent = outcome.NewConsent?.Status ?? consent;
                    if (outcome.NewConsent is { Status: ConsentStatus.OptedOut })
                    {
                        Assert.Empty(pending);
                    }

                    if (outcome.Reply is { } reply)
                    {
                        Decide(new SmsCandidate($"reply-{index}", reply, now, now));
                    }
                }
                else
                {
                    Decide(new SmsCandidate($"c-{index}", step.Trigger, now, now.AddMinutes(step.DueInMinutes), step.Stale));
                }
            }
        });

    private sealed record Situation(SmsCandidate Candidate, CustomerContact Contact, SmsHistory History, DateTimeOffset Now)
    {
        public override string ToString() =>
            $"{Candidate} | {Contact} | sent [{string.Join(", ", History.Sent)}] pending [{string.Join(", ", History.Pending)}] | now {Now:O}";
    }

    private sealed record Step(int MinutesLater, string? Inbound, SmsTrigger Trigger, int DueInMinutes, bool Stale)
    {
        public override string ToString() => Inbound is null ? $"+{MinutesLater}m {Trigger} due+{DueInMinutes}m{(Stale ? " stale" : "")}" : $"+{MinutesLater}m '{Inbound}'";
    }

    private sealed record Life(ConsentStatus InitialConsent, string Zone, string? Phone, Step[] Steps)
    {
        public override string ToString() => $"{InitialConsent} {Zone} {Phone}: {string.Join("; ", Steps.AsEnumerable())}";
    }

    private static Gen<DateTimeOffset> Instants() =>
        from minutes in Gen.Choose(0, 60 * 24 * 365)
        select Start.AddMinutes(minutes);

    private static Gen<SmsCandidate> Candidates(string prefix) =>
        from trigger in Gen.Elements(SmsTriggers.All.ToArray())
        from created in Instants()
        from dueIn in Gen.Choose(0, 60 * 24 * 3)
        from stale in Gen.Elements(false, false, true)
        from id in Gen.Choose(0, 1_000_000)
        select new SmsCandidate($"{prefix}-{id}", trigger, created, created.AddMinutes(dueIn), stale);

    private static Gen<Situation> Situations(Gen<ConsentStatus> consents) =>
        from candidate in Candidates("c")
        from consent in consents
        from zone in Gen.Elements(Zones)
        from phone in Gen.Elements(Phones)
        from sent in Gen.ListOf(from c in Candidates("s") select new SentSms(c.Id, c.Trigger, c.CreatedAt))
        from pending in Gen.ListOf(Candidates("p"))
        from lag in Gen.Choose(-60 * 24, 60 * 24 * 3)
        select new Situation(candidate, Make.Contact(consent, zone, phone), new SmsHistory(sent.ToList(), pending.ToList()), candidate.DueAt.AddMinutes(lag));

    private static Gen<Life> Lives()
    {
        var step =
            from minutesLater in Gen.Choose(0, 60 * 30)
            from isInbound in Gen.Elements(true, false, false)
            from text in Gen.Elements(Inbound)
            from trigger in Gen.Elements(SmsTriggers.All.ToArray())
            from dueIn in Gen.Choose(0, 60 * 24)
            from stale in Gen.Elements(false, false, false, true)
            select new Step(minutesLater, isInbound ? text : null, trigger, dueIn, stale);

        return
            from consent in Gen.Elements(Enum.GetValues<ConsentStatus>())
            from zone in Gen.Elements(Zones)
            from phone in Gen.Elements(Make.ValidPhone, Make.ValidPhone, Make.ValidPhone, "0612345678")
            from steps in Gen.NonEmptyListOf(step)
            select new Life(consent, zone, phone, steps.ToArray());
    }
}

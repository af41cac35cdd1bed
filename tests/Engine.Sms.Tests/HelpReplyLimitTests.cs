using Engine.Domain.Events;
using Engine.Domain.Sms;

namespace Engine.Sms.Tests;

/// <summary>
/// At most one HELP reply per <see cref="SmsPolicyOptions.HelpReplyInterval"/> and one clarification per
/// <see cref="SmsPolicyOptions.ClarificationReplyInterval"/>; the rest are suppressed as reply-limited.
/// </summary>
[Trait("Category", "Unit")]
public sealed class HelpReplyLimitTests
{
    private static readonly DateTimeOffset Noon = Make.Utc(2026, 6, 10, 12);

    [Fact]
    public void A_help_reply_within_the_hour_of_the_last_is_withheld() =>
        Assert.Equal(
            SmsDecision.Suppress(SmsSuppressionReasons.ReplyLimited),
            Decide(SmsTrigger.Help, [Make.Sent(SmsTrigger.Help, Noon.AddMinutes(-59))], new SmsPolicyOptions()));

    [Fact]
    public void A_help_reply_an_hour_after_the_last_is_sent() =>
        Assert.Equal(SmsDecision.Send(Noon), Decide(SmsTrigger.Help, [Make.Sent(SmsTrigger.Help, Noon.AddHours(-1))], new SmsPolicyOptions()));

    [Fact]
    public void The_interval_is_configurable() =>
        Assert.Equal(
            SmsDecision.Suppress(SmsSuppressionReasons.ReplyLimited),
            Decide(SmsTrigger.Help, [Make.Sent(SmsTrigger.Help, Noon.AddHours(-5))], new SmsPolicyOptions { HelpReplyInterval = TimeSpan.FromHours(6) }));

    [Fact]
    public void A_zero_interval_answers_every_help() =>
        Assert.Equal(SmsDecision.Send(Noon), Decide(SmsTrigger.Help, [Make.Sent(SmsTrigger.Help, Noon.AddMinutes(-1))], new SmsPolicyOptions { HelpReplyInterval = TimeSpan.Zero }));

    [Fact]
    public void Other_replies_do_not_count_against_help() =>
        Assert.Equal(SmsDecision.Send(Noon), Decide(SmsTrigger.Help, [Make.Sent(SmsTrigger.OptInConfirmation, Noon.AddMinutes(-1)), Make.Sent(SmsTrigger.TierUpgrade, Noon.AddMinutes(-2))], new SmsPolicyOptions()));

    [Fact]
    public void An_opt_out_confirmation_is_not_limited_by_a_recent_help() =>
        Assert.Equal(SmsDecision.Send(Noon), Decide(SmsTrigger.OptOutConfirmation, [Make.Sent(SmsTrigger.Help, Noon.AddMinutes(-1))], new SmsPolicyOptions()));

    [Fact]
    public void A_negative_interval_is_refused() =>
        Assert.Contains("Sms:Policy:HelpReplyInterval must not be negative, got -00:01:00.", new SmsPolicyOptions { HelpReplyInterval = TimeSpan.FromMinutes(-1) }.Validate());

    [Fact]
    public void One_clarification_is_sent_per_thirty_days()
    {
        Assert.Equal(
            SmsDecision.Suppress(SmsSuppressionReasons.ReplyLimited),
            Decide(SmsTrigger.Clarification, [Make.Sent(SmsTrigger.Clarification, Noon.AddDays(-29))], new SmsPolicyOptions()));
        Assert.Equal(SmsDecision.Send(Noon), Decide(SmsTrigger.Clarification, [Make.Sent(SmsTrigger.Clarification, Noon.AddDays(-30))], new SmsPolicyOptions()));
        Assert.Equal(SmsDecision.Send(Noon), Decide(SmsTrigger.Clarification, [Make.Sent(SmsTrigger.Help, Noon.AddMinutes(-1))], new SmsPolicyOptions()));
    }

    [Fact]
    public void A_clarification_never_goes_to_an_opted_out_customer() =>
        Assert.Equal(
            SmsDecision.Suppress(SmsSuppressionReasons.OptedOut),
            SmsPolicy.Decide(Make.Candidate(SmsTrigger.Clarification, Noon), Make.Contact(ConsentStatus.OptedOut), Make.History([]), Noon, new SmsPolicyOptions()));

    private static SmsDecision Decide(SmsTrigger trigger, SentSms[] sent, SmsPolicyOptions options) =>
        SmsPolicy.Decide(Make.Candidate(trigger, Noon), Make.Contact(), Make.History(sent), Noon, options);
}

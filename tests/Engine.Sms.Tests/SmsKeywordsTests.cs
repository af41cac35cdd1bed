using Engine.Domain.Events;
using Engine.Domain.Sms;

namespace Engine.Sms.Tests;

[Trait("Category", "Unit")]
public sealed class SmsKeywordsTests
{
    private static readonly DateTimeOffset At = Make.Utc(2026, 5, 4, 10);

    private static readonly SmsCandidate[] Pending =
    [
        Make.Candidate(SmsTrigger.CartAbandoned, At.AddHours(2), id: "cart-1"),
        Make.Candidate(SmsTrigger.PointsExpiring, At.AddDays(1), id: "expiry-1"),
    ];

    [Fact]
    public void STOP_opts_out_at_once_cancels_everything_pending_and_confirms_once()
    {
        var outcome = SmsInbound.Handle("Stop.", ConsentStatus.OptedIn, Pending, At);

        Assert.Equal(SmsKeyword.Stop, outcome.Keyword);
        Assert.Equal(new SmsConsent(ConsentStatus.OptedOut, SmsInbound.ConsentSource, At), outcome.NewConsent);
        Assert.Equal(SmsTrigger.OptOutConfirmation, outcome.Reply);
        Assert.Equal(["cart-1", "expiry-1"], outcome.CancelPending);
    }

    [Fact]
    public void STOP_when_already_opted_out_cancels_but_does_not_confirm_again()
    {
        var outcome = SmsInbound.Handle("STOP", ConsentStatus.OptedOut, Pending, At);

        Assert.Null(outcome.NewConsent);
        Assert.Null(outcome.Reply);
        Assert.Equal(["cart-1", "expiry-1"], outcome.CancelPending);
    }

    [Theory]
    [InlineData(ConsentStatus.OptedOut)]
    [InlineData(ConsentStatus.Unknown)]
    public void START_opts_back_in_and_confirms(ConsentStatus current)
    {
        var outcome = SmsInbound.Handle("unstop", current, Pending, At);

        Assert.Equal(new SmsConsent(ConsentStatus.OptedIn, SmsInbound.ConsentSource, At), outcome.NewConsent);
        Assert.Equal(SmsTrigger.OptInConfirmation, outcome.Reply);
        Assert.Empty(outcome.CancelPending);
    }

    [Theory]
    [InlineData(ConsentStatus.OptedIn)]
    [InlineData(ConsentStatus.OptedOut)]
    public void HELP_answers_without_changing_consent(ConsentStatus current)
    {
        var outcome = SmsInbound.Handle("INFO", current, Pending, At);

        Assert.Null(outcome.NewConsent);
        Assert.Equal(SmsTrigger.Help, outcome.Reply);
        Assert.Empty(outcome.CancelPending);
    }

    [Theory]
    [InlineData(ConsentStatus.OptedIn)]
    [InlineData(ConsentStatus.Unknown)]
    public void A_message_about_the_texts_that_is_neither_in_nor_out_gets_a_clarification(ConsentStatus current)
    {
        var outcome = SmsInbound.Handle("who is this?", current, Pending, At);

        Assert.Equal(SmsKeyword.Unclear, outcome.Keyword);
        Assert.Null(outcome.NewConsent);
        Assert.Equal(SmsTrigger.Clarification, outcome.Reply);
        Assert.Empty(outcome.CancelPending);
    }

    [Fact]
    public void An_opted_out_customer_gets_no_clarification() =>
        Assert.Null(SmsInbound.Handle("who is this?", ConsentStatus.OptedOut, Pending, At).Reply);

    [Fact]
    public void Configured_keywords_are_used_when_given()
    {
        var outcome = SmsInbound.Handle("arret", ConsentStatus.OptedIn, Pending, At, new SmsKeywordOptions { OptOut = ["ARRET"] });

        Assert.Equal(SmsKeyword.Stop, outcome.Keyword);
        Assert.Equal(ConsentStatus.OptedOut, outcome.NewConsent?.Status);
    }

    [Fact]
    public void Other_text_changes_nothing_and_is_not_answered()
    {
        var outcome = SmsInbound.Handle("when does my order arrive?", ConsentStatus.OptedIn, Pending, At);

        Assert.Equal(SmsKeyword.None, outcome.Keyword);
        Assert.Null(outcome.NewConsent);
        Assert.Null(outcome.Reply);
        Assert.Empty(outcome.CancelPending);
    }
}

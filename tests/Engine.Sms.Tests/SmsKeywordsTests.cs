using Engine.Domain.Events;
using Engine.Domain.Sms;

namespace Engine.Sms.Tests;

[Trait("Category", "Unit")]
public sealed class SmsKeywordsTests
{
    [Theory]
    // Opt-out keywords, any case, with surrounding spaces and punctuation.
    [InlineData("STOP", SmsKeyword.Stop)]
    [InlineData("stop", SmsKeyword.Stop)]
    [InlineData("Stop.", SmsKeyword.Stop)]
    [InlineData(" stop please ", SmsKeyword.Stop)]
    [InlineData("STOP!!!", SmsKeyword.Stop)]
    [InlineData("¡Stop!", SmsKeyword.Stop)]
    [InlineData("\tSTOP\r\n", SmsKeyword.Stop)]
    [InlineData("\"stop\"", SmsKeyword.Stop)]
    [InlineData("STOP😡", SmsKeyword.Stop)]
    [InlineData("ＳＴＯＰ", SmsKeyword.Stop)]
    [InlineData("STOPALL", SmsKeyword.Stop)]
    [InlineData("StopAll", SmsKeyword.Stop)]
    [InlineData("unsubscribe", SmsKeyword.Stop)]
    [InlineData("Unsubscribe me", SmsKeyword.Stop)]
    [InlineData("Cancel", SmsKeyword.Stop)]
    [InlineData("end", SmsKeyword.Stop)]
    [InlineData("quit", SmsKeyword.Stop)]
    [InlineData("revoke", SmsKeyword.Stop)]
    [InlineData("optout", SmsKeyword.Stop)]
    [InlineData("OPTOUT", SmsKeyword.Stop)]
    // Decision: the two-word and joined forms of OPTOUT opt out too.
    [InlineData("OPT OUT", SmsKeyword.Stop)]
    [InlineData("opt-out", SmsKeyword.Stop)]
    [InlineData("Opt_Out.", SmsKeyword.Stop)]
    [InlineData("STOP START", SmsKeyword.Stop)]
    // Opt back in.
    [InlineData("start", SmsKeyword.Start)]
    [InlineData("UNSTOP", SmsKeyword.Start)]
    [InlineData("yes", SmsKeyword.Start)]
    [InlineData("Yes!", SmsKeyword.Start)]
    [InlineData(" Start again ", SmsKeyword.Start)]
    // Help.
    [InlineData("help", SmsKeyword.Help)]
    [InlineData("HELP?", SmsKeyword.Help)]
    [InlineData("info", SmsKeyword.Help)]
    [InlineData("Info please", SmsKeyword.Help)]
    [InlineData("help stop", SmsKeyword.Help)]
    // Not keywords: only the first word counts, and it must be a keyword exactly.
    [InlineData("stopping", SmsKeyword.None)]
    [InlineData("non-stop", SmsKeyword.None)]
    [InlineData("please stop", SmsKeyword.None)]
    [InlineData("st op", SmsKeyword.None)]
    [InlineData("opt", SmsKeyword.None)]
    [InlineData("opt in", SmsKeyword.None)]
    [InlineData("opt outside", SmsKeyword.None)]
    [InlineData("opt--out", SmsKeyword.None)]
    [InlineData("yesterday", SmsKeyword.None)]
    [InlineData("helpful", SmsKeyword.None)]
    [InlineData("endless", SmsKeyword.None)]
    [InlineData("thanks!", SmsKeyword.None)]
    [InlineData("...", SmsKeyword.None)]
    [InlineData("", SmsKeyword.None)]
    [InlineData("   ", SmsKeyword.None)]
    [InlineData(null, SmsKeyword.None)]
    public void Parses_the_first_word(string? text, SmsKeyword expected) =>
        Assert.Equal(expected, SmsKeywords.Parse(text));

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

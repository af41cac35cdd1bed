using Engine.Domain.Sms;

namespace Engine.Sms.Tests;

/// <summary>The wording table of docs/sms.md: what each kind of inbound message asks for.</summary>
[Trait("Category", "Unit")]
public sealed class SmsWordingTests
{
    [Theory]
    // The carriers' keywords, alone, in any case, with spaces, punctuation, emoji or full-width letters.
    [InlineData("STOP")]
    [InlineData("stop")]
    [InlineData("Stop.")]
    [InlineData("STOP!!!")]
    [InlineData("¡Stop!")]
    [InlineData("\tSTOP\r\n")]
    [InlineData("\"stop\"")]
    [InlineData("STOP😡")]
    [InlineData("ＳＴＯＰ")]
    [InlineData("STOPALL")]
    [InlineData("StopAll")]
    [InlineData("unsubscribe")]
    [InlineData("Cancel")]
    [InlineData("end")]
    [InlineData("quit")]
    [InlineData("revoke")]
    [InlineData("optout")]
    [InlineData("OPT OUT")]
    [InlineData("opt-out")]
    [InlineData("Opt_Out.")]
    [InlineData("opt--out")]
    // Opt-out in a sentence: the FCC counts any reasonable wording.
    [InlineData("please stop")]
    [InlineData(" stop please ")]
    [InlineData("Stop texting me")]
    [InlineData("can you stop texting me")]
    [InlineData("why don't you stop sending these")]
    [InlineData("you won't stop texting me!")]
    [InlineData("No, stop")]
    [InlineData("yes stop")]
    [InlineData("STOP START")]
    [InlineData("help stop")]
    [InlineData("Unsubscribe me please")]
    [InlineData("how do I unsubscribe?")]
    [InlineData("I want to opt out")]
    [InlineData("please revoke my consent")]
    [InlineData("cancel please")]
    [InlineData("END now")]
    [InlineData("quit it")]
    [InlineData("cancel my subscription")]
    [InlineData("end these messages")]
    [InlineData("quit texting me")]
    [InlineData("no more texts")]
    [InlineData("No more!")]
    [InlineData("no more messages please")]
    [InlineData("take me off your list")]
    [InlineData("remove me")]
    [InlineData("please remove my number")]
    [InlineData("leave me alone")]
    [InlineData("wrong number")]
    [InlineData("don't text me")]
    [InlineData("Do not contact me again")]
    [InlineData("never message me again")]
    [InlineData("I don't want these texts")]
    [InlineData("I don't want to receive any more texts")]
    [InlineData("I no longer want your messages")]
    [InlineData("no texts please")]
    [InlineData("I do not consent")]
    // The default Spanish list (US short codes).
    [InlineData("ALTO")]
    [InlineData("alto por favor")]
    [InlineData("PARAR")]
    [InlineData("por favor parar los mensajes")]
    [InlineData("detener")]
    [InlineData("Cancelar")]
    [InlineData("baja")]
    [InlineData("no más mensajes")]
    public void Reads_an_opt_out(string text) => Assert.Equal(SmsKeyword.Stop, SmsKeywords.Parse(text));

    [Theory]
    [InlineData("start")]
    [InlineData("UNSTOP")]
    [InlineData("yes")]
    [InlineData("Yes!")]
    [InlineData(" Start again ")]
    [InlineData("please start")]
    [InlineData("opt in")]
    [InlineData("subscribe me")]
    [InlineData("Sí")]
    [InlineData("comenzar")]
    public void Reads_an_opt_in(string text) => Assert.Equal(SmsKeyword.Start, SmsKeywords.Parse(text));

    [Theory]
    [InlineData("help")]
    [InlineData("HELP?")]
    [InlineData("info")]
    [InlineData("Info please")]
    [InlineData("I need help")]
    [InlineData("ayuda")]
    public void Reads_a_request_for_help(string text) => Assert.Equal(SmsKeyword.Help, SmsKeywords.Parse(text));

    [Theory]
    [InlineData("who is this?")]
    [InlineData("Who's this")]
    [InlineData("why do I get these messages")]
    [InlineData("not interested")]
    [InlineData("spam")]
    [InlineData("how did you get my number")]
    [InlineData("no")]
    [InlineData("No thanks")]
    public void Reads_a_message_about_the_texts_that_is_neither_in_nor_out_as_unclear(string text) =>
        Assert.Equal(SmsKeyword.Unclear, SmsKeywords.Parse(text));

    [Theory]
    // Product and negated uses of the keywords.
    [InlineData("non-stop deals!")]
    [InlineData("nonstop")]
    [InlineData("don't stop the offers")]
    [InlineData("never stop sending me deals")]
    [InlineData("do not unsubscribe me")]
    [InlineData("I'll stop by the store later")]
    [InlineData("is there a bus stop near the shop?")]
    [InlineData("cancel my order")]
    [InlineData("the sale ends when?")]
    [InlineData("what time does the sale end")]
    [InlineData("I quit my job lol")]
    [InlineData("el precio es alto")]
    [InlineData("no more deals?")]
    // Words that only look like keywords.
    [InlineData("stopping")]
    [InlineData("st op")]
    [InlineData("opt")]
    [InlineData("opt outside")]
    [InlineData("yesterday")]
    [InlineData("helpful")]
    [InlineData("endless")]
    [InlineData("thanks!")]
    [InlineData("when does my order arrive?")]
    [InlineData("...")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Reads_nothing_to_act_on(string? text) => Assert.Equal(SmsKeyword.None, SmsKeywords.Parse(text));

    [Fact]
    public void A_configured_list_replaces_the_Spanish_default_and_the_English_keywords_stay()
    {
        var options = new SmsKeywordOptions { OptOut = ["ARRET"], OptOutAlone = [], Help = ["AIDE"] };

        Assert.Equal(SmsKeyword.Stop, SmsKeywords.Parse("Arrêt", options));
        Assert.Equal(SmsKeyword.Stop, SmsKeywords.Parse("arret svp", options));
        Assert.Equal(SmsKeyword.Help, SmsKeywords.Parse("aide", options));
        Assert.Equal(SmsKeyword.None, SmsKeywords.Parse("alto", options));
        Assert.Equal(SmsKeyword.Stop, SmsKeywords.Parse("stop", options));
    }

    [Fact]
    public void A_keyword_list_that_would_both_stop_and_start_is_refused_at_start()
    {
        var problems = new SmsKeywordOptions { OptIn = ["ALTO"] }.Validate();

        Assert.Contains(problems, p => p.Contains("'ALTO'", StringComparison.Ordinal));
        Assert.Contains(new SmsKeywordOptions { Help = ["two words"] }.Validate(), p => p.Contains("one word", StringComparison.Ordinal));
        Assert.Empty(new SmsKeywordOptions().Validate());
    }
}

using Engine.Domain.Events;

namespace Engine.Domain.Sms;

/// <summary>
/// What to do about an inbound message. <see cref="NewConsent"/> is null when consent does not
/// change; <see cref="Reply"/> is null when nothing is answered; <see cref="CancelPending"/>
/// lists the pending candidates to drop.
/// </summary>
public sealed record SmsInboundOutcome(
    SmsKeyword Keyword,
    SmsConsent? NewConsent,
    SmsTrigger? Reply,
    IReadOnlyList<string> CancelPending);

public static class SmsInbound
{
    /// <summary>Recorded as the consent's source, as a regulator asks where a decision came from.</summary>
    public const string ConsentSource = "sms-keyword";

    /// <summary>
    /// STOP (and synonyms) opts out at once, cancels everything pending and answers with one
    /// confirmation; START opts in and confirms; HELP answers with the help text. A keyword that
    /// changes nothing (STOP when already opted out, START when already opted in) gets no second
    /// confirmation, so a repeated or auto-replied keyword cannot start a loop. A message about
    /// the texts that is neither in nor out gets a clarification (not when opted out: there is
    /// nothing left to stop). Anything else changes nothing and is not answered.
    /// </summary>
    public static SmsInboundOutcome Handle(
        string? text, ConsentStatus current, IEnumerable<SmsCandidate> pending, DateTimeOffset receivedAt, SmsKeywordOptions? keywords = null)
    {
        var keyword = keywords is null ? SmsKeywords.Parse(text) : SmsKeywords.Parse(text, keywords);
        return keyword switch
        {
            SmsKeyword.Stop => new SmsInboundOutcome(
                keyword,
                current == ConsentStatus.OptedOut ? null : new SmsConsent(ConsentStatus.OptedOut, ConsentSource, receivedAt),
                current == ConsentStatus.OptedOut ? null : SmsTrigger.OptOutConfirmation,
                pending.Select(p => p.Id).ToList()),
            SmsKeyword.Start => new SmsInboundOutcome(
                keyword,
                current == ConsentStatus.OptedIn ? null : new SmsConsent(ConsentStatus.OptedIn, ConsentSource, receivedAt),
                current == ConsentStatus.OptedIn ? null : SmsTrigger.OptInConfirmation,
                []),
            SmsKeyword.Help => new SmsInboundOutcome(keyword, null, SmsTrigger.Help, []),
            SmsKeyword.Unclear => new SmsInboundOutcome(keyword, null, current == ConsentStatus.OptedOut ? null : SmsTrigger.Clarification, []),
            _ => new SmsInboundOutcome(keyword, null, null, []),
        };
    }
}

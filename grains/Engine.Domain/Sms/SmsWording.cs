using System.Collections.Concurrent;

namespace Engine.Domain.Sms;

/// <summary>
/// Reads an inbound message the way a person would, because the FCC's 2024 rule counts any
/// reasonable revocation and missing one is worse than honouring an odd one. Rules, in order:
/// <list type="number">
/// <item><b>Stop</b>: an opt-out word (STOP, UNSUBSCRIBE, REVOKE, OPTOUT...) anywhere, unless
/// it is negated ("don't stop") or used as a noun or place ("bus stop", "stop by"); a weak
/// opt-out word (CANCEL, END, QUIT) alone with polite words or followed by what is being
/// stopped ("cancel my texts", but not "cancel my order"); or a revocation phrase: "opt out",
/// "no more texts", "take me off", "remove me", "leave me alone", "wrong number", "don't text
/// me", "I don't want these messages".</item>
/// <item><b>Start</b>: a message that opens with START, UNSTOP, YES, SUBSCRIBE or "opt in".
/// Opting in is read strictly: a stop anywhere wins ("yes stop" stops).</item>
/// <item><b>Help</b>: HELP or INFO anywhere, not negated.</item>
/// <item><b>Unclear</b>: a message about the texts that says neither ("who is this?", "not
/// interested", "why do I get these messages", a bare "no").</item>
/// </list>
/// Anything else is <see cref="SmsKeyword.None"/>.
/// </summary>
public sealed class SmsWording
{
    private static readonly string[] CoreOptOut = ["STOP", "STOPALL", "UNSUBSCRIBE", "REVOKE", "OPTOUT"];
    private static readonly string[] CoreOptOutAlone = ["CANCEL", "END", "QUIT"];
    private static readonly string[] CoreOptIn = ["START", "UNSTOP", "YES", "OPTIN", "SUBSCRIBE", "RESUBSCRIBE"];
    private static readonly string[] CoreHelp = ["HELP", "INFO"];

    // Just before a keyword, these turn it around: "don't stop", "never stop", "do not unsubscribe me".
    // Not NO: "no, stop" is a stop.
    private static readonly HashSet<string> Negators = ["DONT", "NOT", "NEVER", "CANT", "DIDNT", "DOESNT", "SHOULDNT"];

    // Just before a keyword, these make it a noun ("the last stop", "a full stop"); just after, a visit ("stop by").
    private static readonly HashSet<string> NounMarkers = ["THE", "A", "AN", "BUS", "PIT", "LAST", "NEXT", "FIRST", "ONE", "FULL", "TRUCK", "MY", "YOUR", "OUR", "EVERY", "EACH"];
    private static readonly HashSet<string> VisitParticles = ["BY", "IN", "AT", "OVER"];

    // What is being stopped or asked about.
    private static readonly HashSet<string> Messaging =
    [
        "TEXT", "TEXTS", "TEXTING", "MESSAGE", "MESSAGES", "MESSAGING", "MSG", "MSGS", "SMS", "SMSES", "ALERT", "ALERTS",
        "NOTIFICATION", "NOTIFICATIONS", "SUBSCRIPTION", "SUBSCRIPTIONS", "PROMOS", "PROMOTIONS", "MARKETING", "MENSAJE", "MENSAJES", "TEXTOS",
    ];

    // After a negator, what a revocation asks not to receive: "don't text me", "do not contact me".
    private static readonly HashSet<string> ContactVerbs = ["TEXT", "TEXTING", "MESSAGE", "MESSAGING", "CONTACT", "CONTACTING", "SMS", "CALL", "CONSENT", "ANYTHING"];

    // May stand between a negator and what it refuses: "I don't want to receive any more texts".
    private static readonly HashSet<string> RefusalGlue = ["WANT", "NEED", "WISH", "LIKE", "EVER", "AGAIN", "ANY", "MORE", "THESE", "THOSE", "THIS", "YOUR", "TO", "RECEIVE", "GET", "GETTING", "SEND", "SENDING", "ME", "MY", "LONGER"];

    // Words that leave a weak keyword standing alone: "cancel please", "END now", "quit it".
    private static readonly HashSet<string> Politeness = ["PLEASE", "PLS", "PLZ", "NOW", "THANKS", "THANK", "YOU", "THX", "TY", "OK", "OKAY", "ME", "ALL", "JUST", "IT", "RIGHT", "AWAY", "ASAP", "POR", "FAVOR", "GRACIAS", "YA", "TODO", "TODOS"];

    private static readonly string[][] RevocationPhrases =
    [
        ["OPT", "OUT"], ["TAKE", "ME", "OFF"], ["REMOVE", "ME"], ["REMOVE", "MY", "NUMBER"], ["LEAVE", "ME", "ALONE"], ["WRONG", "NUMBER"],
        ["DELETE", "MY", "NUMBER"], ["LOSE", "MY", "NUMBER"],
    ];

    private static readonly string[][] UnclearPhrases =
    [
        ["WHO", "IS", "THIS"], ["WHO", "ARE", "YOU"], ["WHOS", "THIS"], ["NOT", "INTERESTED"], ["SPAM"], ["SCAM"], ["HOW", "DID", "YOU", "GET", "MY", "NUMBER"],
    ];

    private static readonly ConcurrentDictionary<SmsKeywordOptions, SmsWording> Compiled = new(ReferenceEqualityComparer.Instance);

    private readonly HashSet<string> _optOut;
    private readonly HashSet<string> _optOutAlone;
    private readonly HashSet<string> _optIn;
    private readonly HashSet<string> _help;

    public SmsWording(SmsKeywordOptions options)
    {
        _optOut = Words(CoreOptOut, options.EffectiveOptOut);
        _optOutAlone = Words(CoreOptOutAlone, options.EffectiveOptOutAlone);
        _optIn = Words(CoreOptIn, options.EffectiveOptIn);
        _help = Words(CoreHelp, options.EffectiveHelp);
    }

    /// <summary>The built-in words and the default extra (Spanish) lists.</summary>
    public static SmsWording Default { get; } = new(new SmsKeywordOptions());

    /// <summary>The wording for a bound options instance, compiled once.</summary>
    public static SmsWording For(SmsKeywordOptions options) => Compiled.GetOrAdd(options, o => new SmsWording(o));

    public SmsKeyword Read(string? text)
    {
        var words = SmsWords.Split(text);
        if (words.Count == 0)
        {
            return SmsKeyword.None;
        }

        var stop = ReadStop(words);
        if (stop is { } decided)
        {
            return decided;
        }

        if (OpensWithOptIn(words))
        {
            return SmsKeyword.Start;
        }

        for (var i = 0; i < words.Count; i++)
        {
            if (_help.Contains(words[i]) && !IsNegated(words, i))
            {
                return SmsKeyword.Help;
            }
        }

        return IsAboutTheTexts(words) ? SmsKeyword.Unclear : SmsKeyword.None;
    }

    /// <summary>Stop, None for an explicitly negated opt-out ("don't stop the offers"), or null when nothing was said about stopping.</summary>
    private SmsKeyword? ReadStop(List<string> words)
    {
        var negated = false;
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            var keyword = _optOut.Contains(word) || (_optOutAlone.Contains(word) && (StandsAlone(words, i) || MessagingFollows(words, i)));
            if (!keyword)
            {
                continue;
            }

            if (IsNegated(words, i))
            {
                negated = true;
            }
            else if (!IsNounOrVisit(words, i))
            {
                return SmsKeyword.Stop;
            }
        }

        if (negated)
        {
            return SmsKeyword.None;
        }

        if (RevocationPhrases.Any(phrase => Contains(words, phrase, out var at) && !IsNegated(words, at)) || SaysNoMore(words) || RefusesContact(words))
        {
            return SmsKeyword.Stop;
        }

        return null;
    }

    private bool OpensWithOptIn(List<string> words)
    {
        var first = words.FindIndex(w => w is not ("PLEASE" or "PLS" or "PLZ" or "OK" or "OKAY"));
        if (first < 0)
        {
            return false;
        }

        return _optIn.Contains(words[first]) || (words[first] == "OPT" && first + 1 < words.Count && words[first + 1] == "IN");
    }

    private static bool IsNegated(List<string> words, int index) => index > 0 && Negators.Contains(words[index - 1]);

    private static bool IsNounOrVisit(List<string> words, int index) =>
        (index > 0 && NounMarkers.Contains(words[index - 1])) || (index + 1 < words.Count && VisitParticles.Contains(words[index + 1]));

    private static bool StandsAlone(List<string> words, int index)
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (i != index && !Politeness.Contains(words[i]))
            {
                return false;
            }
        }

        return true;
    }

    // "cancel my texts", "end these messages", "quit texting me": within three words.
    private static bool MessagingFollows(List<string> words, int index)
    {
        for (var i = index + 1; i < words.Count && i <= index + 3; i++)
        {
            if (Messaging.Contains(words[i]))
            {
                return true;
            }
        }

        return false;
    }

    // "no more", "no more texts", "no más mensajes"; not "no more deals?".
    private static bool SaysNoMore(List<string> words)
    {
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (words[i] == "NO" && words[i + 1] is "MORE" or "MAS")
            {
                var rest = words.Skip(i + 2).ToList();
                if (rest.All(Politeness.Contains) || rest.Take(2).Any(Messaging.Contains))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // "don't text me", "do not contact me", "I no longer want to receive your messages".
    private static bool RefusesContact(List<string> words)
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (!Negators.Contains(words[i]) && words[i] != "NO")
            {
                continue;
            }

            for (var j = i + 1; j < words.Count; j++)
            {
                if (ContactVerbs.Contains(words[j]) || Messaging.Contains(words[j]))
                {
                    return true;
                }

                if (!RefusalGlue.Contains(words[j]))
                {
                    break;
                }
            }
        }

        return false;
    }

    private static bool IsAboutTheTexts(List<string> words) =>
        words.Any(Messaging.Contains) || UnclearPhrases.Any(phrase => Contains(words, phrase, out _))
        || words is ["NO"] or ["NO", "THANKS"] or ["NO", "THANK", "YOU"] or ["NOPE"];

    private static bool Contains(List<string> words, string[] phrase, out int at)
    {
        for (at = 0; at + phrase.Length <= words.Count; at++)
        {
            var match = true;
            for (var k = 0; k < phrase.Length && match; k++)
            {
                match = words[at + k] == phrase[k];
            }

            if (match)
            {
                return true;
            }
        }

        return false;
    }

    private static HashSet<string> Words(IEnumerable<string> core, IEnumerable<string> configured) =>
        core.Concat(configured.Select(SmsWords.Fold)).Where(w => w.Length > 0).ToHashSet(StringComparer.Ordinal);
}

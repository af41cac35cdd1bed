using System.Text;

namespace Engine.Domain.Sms;

/// <summary>What an inbound message asks for.</summary>
public enum SmsKeyword
{
    None = 0,
    Stop = 1,
    Start = 2,
    Help = 3,
}

/// <summary>
/// Reads the keyword of an inbound message. Only the first word counts: a word is a run of
/// letters or digits, so surrounding spaces and punctuation fall away ("Stop.", " stop please ",
/// "STOP!!!", "¡stop!") and case is ignored. The word must be a keyword exactly: "stopping" and
/// "non-stop" (first word "non") are not requests, nor is "please stop" (first word "please").
/// "OPT OUT", "opt-out" and "opt_out" count as OPTOUT: regulators list "opt out" as an opt-out
/// request, and missing one is worse than honouring an odd one.
/// </summary>
public static class SmsKeywords
{
    private static readonly HashSet<string> StopWords = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"];
    private static readonly HashSet<string> StartWords = ["START", "UNSTOP", "YES"];
    private static readonly HashSet<string> HelpWords = ["HELP", "INFO"];

    public static SmsKeyword Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return SmsKeyword.None;
        }

        // Compatibility forms fold full-width letters ("ＳＴＯＰ") into plain ones.
        var normalized = text.Normalize(NormalizationForm.FormKC);
        var position = 0;
        var first = NextWord(normalized, ref position);
        if (StopWords.Contains(first))
        {
            return SmsKeyword.Stop;
        }

        if (StartWords.Contains(first))
        {
            return SmsKeyword.Start;
        }

        if (HelpWords.Contains(first))
        {
            return SmsKeyword.Help;
        }

        if (first == "OPT" && OnlySeparatorsBefore(normalized, position) && NextWord(normalized, ref position) == "OUT")
        {
            return SmsKeyword.Stop;
        }

        return SmsKeyword.None;
    }

    private static string NextWord(string text, ref int position)
    {
        while (position < text.Length && !char.IsLetterOrDigit(text[position]))
        {
            position++;
        }

        var start = position;
        while (position < text.Length && char.IsLetterOrDigit(text[position]))
        {
            position++;
        }

        return text[start..position].ToUpperInvariant();
    }

    // "OPT OUT", "OPT-OUT", "opt_out": the two halves joined by spaces, one hyphen or one underscore.
    private static bool OnlySeparatorsBefore(string text, int position)
    {
        var joiners = 0;
        for (var i = position; i < text.Length && !char.IsLetterOrDigit(text[i]); i++)
        {
            if (text[i] is '-' or '_')
            {
                joiners++;
            }
            else if (!char.IsWhiteSpace(text[i]))
            {
                return false;
            }
        }

        return joiners <= 1;
    }
}

using System.Globalization;
using System.Text;

namespace Engine.Domain.Sms;

/// <summary>
/// Splits an inbound message into upper-case words for the keyword rules. Compatibility
/// forms fold full-width letters ("ＳＴＯＰ") into plain ones and accents fall away ("MÁS" is
/// "MAS"), so the rules are written once. A word is a run of letters or digits; an apostrophe,
/// hyphen or underscore between two letters joins them, so "don't" is DONT, "non-stop" is
/// NONSTOP (not STOP) and "opt-out" is OPTOUT.
/// </summary>
public static class SmsWords
{
    public static List<string> Split(string? text)
    {
        var words = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return words;
        }

        var decomposed = text.Normalize(NormalizationForm.FormKD);
        var word = new StringBuilder();
        for (var i = 0; i < decomposed.Length; i++)
        {
            var c = decomposed[i];
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToUpperInvariant(c));
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                // An accent decomposed from its letter: drop it, keep the word whole.
            }
            else if (IsJoiner(c) && word.Length > 0 && i + 1 < decomposed.Length && char.IsLetterOrDigit(decomposed[i + 1]))
            {
                // Joins the two halves: "don't", "non-stop", "opt_out".
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>One configured keyword as the rules compare it.</summary>
    public static string Fold(string keyword) => string.Concat(Split(keyword));

    private static bool IsJoiner(char c) => c is '\'' or '\u2019' or '-' or '_' or '\u2010' or '\u2011';
}

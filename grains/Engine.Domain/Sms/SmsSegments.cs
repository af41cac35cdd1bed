namespace Engine.Domain.Sms;

public enum SmsEncoding
{
    /// <summary>GSM 03.38 7-bit default alphabet: 160 septets in one part, 153 per part when split.</summary>
    Gsm7 = 0,
    /// <summary>UCS-2 (UTF-16 units): 70 in one part, 67 per part when split.</summary>
    Ucs2 = 1,
}

/// <summary>
/// How a text travels: its encoding, the number of SMS parts, and its length in that
/// encoding's units (GSM septets, or UTF-16 code units).
/// </summary>
public sealed record SmsSegmentCount(SmsEncoding Encoding, int Segments, int Units)
{
    /// <summary>More parts than <see cref="SmsSegments.WarnAbove"/>: worth a warning metric.</summary>
    public bool IsLong => Segments > SmsSegments.WarnAbove;
}

/// <summary>
/// Counts SMS parts the way a handset and an SMSC do. A text is GSM-7 when every character is
/// in the GSM 03.38 default alphabet or its extension table; the extension characters
/// (^ { } \ [ ] ~ | € and form feed) take an escape septet and count 2. One character outside
/// both (an emoji, "ç", "ê", a curly quote) makes the whole text UCS-2. A split never cuts an
/// escape pair or a surrogate pair, so a part may hold one unit less than its maximum.
/// An empty text is one (empty) part.
/// </summary>
public static class SmsSegments
{
    public const int Gsm7SinglePart = 160;
    public const int Gsm7MultiPart = 153;
    public const int Ucs2SinglePart = 70;
    public const int Ucs2MultiPart = 67;

    /// <summary>Messages of more parts than this are counted in the "long message" warning.</summary>
    public const int WarnAbove = 2;

    // 3GPP TS 23.038 default alphabet, in code order 0x00-0x7F without the escape (0x1B).
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
        + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "\f^{}\\[~]|€";

    public static bool IsGsm7(char c) => Basic.Contains(c) || Extension.Contains(c);

    public static SmsSegmentCount Count(string text)
    {
        var gsm = true;
        foreach (var c in text)
        {
            if (!IsGsm7(c))
            {
                gsm = false;
                break;
            }
        }

        return gsm ? CountGsm7(text) : CountUcs2(text);
    }

    private static SmsSegmentCount CountGsm7(string text)
    {
        var units = 0;
        foreach (var c in text)
        {
            units += Extension.Contains(c) ? 2 : 1;
        }

        if (units <= Gsm7SinglePart)
        {
            return new SmsSegmentCount(SmsEncoding.Gsm7, 1, units);
        }

        var parts = Pack(text.Select(c => Extension.Contains(c) ? 2 : 1), Gsm7MultiPart);
        return new SmsSegmentCount(SmsEncoding.Gsm7, parts, units);
    }

    private static SmsSegmentCount CountUcs2(string text)
    {
        if (text.Length <= Ucs2SinglePart)
        {
            return new SmsSegmentCount(SmsEncoding.Ucs2, 1, text.Length);
        }

        var parts = Pack(Ucs2Pieces(text), Ucs2MultiPart);
        return new SmsSegmentCount(SmsEncoding.Ucs2, parts, text.Length);
    }

    // Each piece is a code point's size in UTF-16 units: a surrogate pair stays in one part.
    private static IEnumerable<int> Ucs2Pieces(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                yield return 2;
            }
            else
            {
                yield return 1;
            }
        }
    }

    private static int Pack(IEnumerable<int> pieces, int perPart)
    {
        var parts = 1;
        var used = 0;
        foreach (var size in pieces)
        {
            if (used + size > perPart)
            {
                parts++;
                used = 0;
            }

            used += size;
        }

        return parts;
    }
}

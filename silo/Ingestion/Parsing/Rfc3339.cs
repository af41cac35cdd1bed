namespace Engine.Silo.Ingestion.Parsing;

/// <summary>
/// RFC 3339 date-times with a required offset (<c>2026-03-14T09:30:00Z</c>,
/// <c>2026-03-14T10:30:00.125+01:00</c>): a local time without one is ambiguous across time
/// zones. Read straight from UTF-8, since every event carries at least one.
/// </summary>
internal static class Rfc3339
{
    private static readonly TimeSpan MaxOffset = TimeSpan.FromHours(14);

    /// <summary>
    /// The shape <c>YYYY-MM-DDTHH:MM:SS[.F{1,7}](Z|z|±HH:MM)</c> with a real calendar date, hours
    /// below 24, minutes and seconds below 60 (no leap second) and an offset within ±14:00.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out DateTimeOffset at)
    {
        at = default;
        if (text.Length < 20
            || !Digits(text, 0, 4, out var year) || text[4] != '-'
            || !Digits(text, 5, 2, out var month) || text[7] != '-'
            || !Digits(text, 8, 2, out var day) || text[10] != 'T'
            || !Digits(text, 11, 2, out var hour) || text[13] != ':'
            || !Digits(text, 14, 2, out var minute) || text[16] != ':'
            || !Digits(text, 17, 2, out var second))
        {
            return false;
        }

        var position = 19;
        long fractionTicks = 0;
        if (text[position] == '.')
        {
            var digits = 0;
            position++;
            while (position < text.Length && IsDigit(text[position]))
            {
                if (++digits > 7)
                {
                    return false;
                }

                fractionTicks = fractionTicks * 10 + (text[position] - '0');
                position++;
            }

            if (digits == 0)
            {
                return false;
            }

            for (; digits < 7; digits++)
            {
                fractionTicks *= 10;
            }
        }

        if (!Offset(text[position..], out var offset)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks);
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        at = new DateTimeOffset(local, offset);
        return true;
    }

    private static bool Offset(ReadOnlySpan<byte> text, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (text.Length == 1)
        {
            return text[0] is (byte)'Z' or (byte)'z';
        }

        if (text.Length != 6 || text[0] is not ((byte)'+' or (byte)'-') || text[3] != ':'
            || !Digits(text, 1, 2, out var hours) || !Digits(text, 4, 2, out var minutes) || minutes > 59)
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (offset > MaxOffset)
        {
            return false;
        }

        offset = text[0] == '-' ? -offset : offset;
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!IsDigit(text[i]))
            {
                return false;
            }

            value = value * 10 + (text[i] - '0');
        }

        return true;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}

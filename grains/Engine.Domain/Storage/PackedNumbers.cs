using System.Text;

namespace Engine.Domain.Storage;

/// <summary>
/// The number forms of the packed state lists (points lots, orders, daily spend): variable-length
/// integers, zig-zag for signed differences, decimals as scale and mantissa when that fits 64
/// bits, instants as UTC ticks plus their offset in minutes.
/// </summary>
internal static class PackedNumbers
{
    // Zig-zag, so small negative differences stay short too.
    public static void WriteSigned(this BinaryWriter writer, long value) => writer.Write7BitEncodedInt64(unchecked((value << 1) ^ (value >> 63)));

    public static long ReadSigned(this BinaryReader reader)
    {
        var raw = unchecked((ulong)reader.Read7BitEncodedInt64());
        return unchecked((long)(raw >> 1) ^ -(long)(raw & 1));
    }

    /// <summary>A decimal in 2-4 bytes for money (scale, then the mantissa); one beyond 64 bits in full.</summary>
    public static void WriteCompact(this BinaryWriter writer, decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (byte)((bits[3] >> 16) & 0xFF);
        var negative = bits[3] < 0;
        if (bits[2] == 0 && bits[1] >= 0)
        {
            var mantissa = ((long)bits[1] << 32) | unchecked((uint)bits[0]);
            writer.Write(scale);
            writer.WriteSigned(negative ? -mantissa : mantissa);
            return;
        }

        writer.Write(byte.MaxValue);
        writer.Write(value);
    }

    public static decimal ReadCompactDecimal(this BinaryReader reader)
    {
        var scale = reader.ReadByte();
        if (scale == byte.MaxValue)
        {
            return reader.ReadDecimal();
        }

        var mantissa = reader.ReadSigned();
        var magnitude = mantissa < 0 ? unchecked(-mantissa) : mantissa;
        return new decimal(unchecked((int)(magnitude & 0xFFFF_FFFF)), (int)(magnitude >> 32), 0, mantissa < 0, scale);
    }

    /// <summary>
    /// An instant as the difference of its UTC ticks from <paramref name="fromUtcTicks"/>, then
    /// its offset in minutes. The first number's two low bits say whether the difference is in
    /// whole seconds (most are: it then follows in the same number, three bytes saved) or in
    /// ticks (in a second number), and whether an offset follows (none for UTC).
    /// </summary>
    public static void WriteInstant(this BinaryWriter writer, DateTimeOffset at, long fromUtcTicks)
    {
        var delta = at.UtcTicks - fromUtcTicks;
        var offsetFollows = at.Offset != TimeSpan.Zero ? 2L : 0L;
        if (delta % TimeSpan.TicksPerSecond == 0)
        {
            var seconds = delta / TimeSpan.TicksPerSecond;
            writer.Write7BitEncodedInt64((((seconds << 1) ^ (seconds >> 63)) << 2) | offsetFollows);
        }
        else
        {
            writer.Write7BitEncodedInt64(1 | offsetFollows);
            writer.WriteSigned(delta);
        }

        if (offsetFollows != 0)
        {
            writer.WriteSigned((long)at.Offset.TotalMinutes);
        }
    }

    public static DateTimeOffset ReadInstant(this BinaryReader reader, long fromUtcTicks)
    {
        var head = reader.Read7BitEncodedInt64();
        long delta;
        if ((head & 1) == 0)
        {
            var zigzag = head >> 2;
            delta = ((zigzag >> 1) ^ -(zigzag & 1)) * TimeSpan.TicksPerSecond;
        }
        else
        {
            delta = reader.ReadSigned();
        }

        var offset = (head & 2) != 0 ? TimeSpan.FromMinutes(reader.ReadSigned()) : TimeSpan.Zero;
        return new DateTimeOffset(fromUtcTicks + delta + offset.Ticks, offset);
    }

    /// <summary>A list as one byte string: its format byte, its count, then what <paramref name="writeEntries"/> writes. Empty for no entries.</summary>
    public static byte[] PackList(int count, byte format, Action<BinaryWriter> writeEntries)
    {
        if (count == 0)
        {
            return [];
        }

        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(format);
        writer.Write7BitEncodedInt(count);
        writeEntries(writer);
        writer.Flush();
        return stream.ToArray();
    }

    /// <summary>Reads a list <see cref="PackList"/> wrote, with a reader of one entry that <paramref name="entryReader"/> makes (it may keep state between entries).</summary>
    public static List<T> UnpackList<T>(byte[]? packed, byte format, Func<BinaryReader, Func<T>> entryReader)
    {
        if (packed is not { Length: > 0 })
        {
            return [];
        }

        using var reader = new BinaryReader(new MemoryStream(packed), Encoding.UTF8);
        var stored = reader.ReadByte();
        if (stored != format)
        {
            throw new InvalidDataException($"Unknown packed list format {stored} (expected {format}) for {typeof(T).Name}.");
        }

        var count = reader.Read7BitEncodedInt();
        var next = entryReader(reader);
        var entries = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            entries.Add(next());
        }

        return entries;
    }
}

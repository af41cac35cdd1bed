using System.Text;

namespace Engine.Domain.Loyalty;

/// <summary>
/// The lots as stored: one byte string of variable-length integers instead of one serialized
/// object per lot (about 30 bytes a lot instead of 100; docs/architecture.md, "Bounded state").
/// Times are UTC ticks, each lot's earning as a difference from the previous lot's and its
/// expiry from its earning; a purchase lot's id is not stored when it is "order:" + its order id.
/// The first byte is the format, so a later format can still read this one.
/// </summary>
public static class PointsLotEncoding
{
    private const byte Format = 1;
    private const string OrderPrefix = "order:";

    [Flags]
    private enum LotFlags : byte
    {
        None = 0,
        Adjustment = 1,
        IdFromOrder = 2,
        HasOrder = 4,
        HasRefund = 8,
    }

    public static byte[] Pack(IReadOnlyList<PointsLot> lots)
    {
        if (lots.Count == 0)
        {
            return [];
        }

        using var stream = new MemoryStream(lots.Count * 32);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(Format);
        writer.Write7BitEncodedInt(lots.Count);
        long previousEarned = 0;
        foreach (var lot in lots)
        {
            var idFromOrder = lot.OrderId is { } order && lot.LotId.Length == OrderPrefix.Length + order.Length
                && lot.LotId.StartsWith(OrderPrefix, StringComparison.Ordinal) && lot.LotId.EndsWith(order, StringComparison.Ordinal);
            var flags = (lot.Source == PointsLotSource.Adjustment ? LotFlags.Adjustment : LotFlags.None)
                | (idFromOrder ? LotFlags.IdFromOrder : LotFlags.None)
                | (lot.OrderId is not null ? LotFlags.HasOrder : LotFlags.None)
                | (lot.RefundedInBase != 0m ? LotFlags.HasRefund : LotFlags.None);
            writer.Write((byte)flags);
            if (!idFromOrder)
            {
                writer.Write(lot.LotId);
            }

            if (lot.OrderId is { } orderId)
            {
                writer.Write(orderId);
            }

            writer.Write7BitEncodedInt64(lot.Earned);
            writer.Write7BitEncodedInt64(lot.Remaining);
            writer.Write7BitEncodedInt64(lot.ExpiredPoints);
            writer.Write7BitEncodedInt64(lot.Reversed);
            WriteSigned(writer, lot.EarnedAt.UtcTicks - previousEarned);
            WriteSigned(writer, (long)lot.EarnedAt.Offset.TotalMinutes);
            WriteSigned(writer, lot.ExpiresAt.UtcTicks - lot.EarnedAt.UtcTicks);
            WriteSigned(writer, (long)lot.ExpiresAt.Offset.TotalMinutes);
            if (lot.RefundedInBase != 0m)
            {
                writer.Write(lot.RefundedInBase);
            }

            previousEarned = lot.EarnedAt.UtcTicks;
        }

        writer.Flush();
        return stream.ToArray();
    }

    public static List<PointsLot> Unpack(byte[]? packed)
    {
        if (packed is not { Length: > 0 })
        {
            return [];
        }

        using var reader = new BinaryReader(new MemoryStream(packed), Encoding.UTF8);
        var format = reader.ReadByte();
        if (format != Format)
        {
            throw new InvalidDataException($"Unknown points lot format {format}.");
        }

        var count = reader.Read7BitEncodedInt();
        var lots = new List<PointsLot>(count);
        long previousEarned = 0;
        for (var i = 0; i < count; i++)
        {
            var flags = (LotFlags)reader.ReadByte();
            var lotId = flags.HasFlag(LotFlags.IdFromOrder) ? null : reader.ReadString();
            var orderId = flags.HasFlag(LotFlags.HasOrder) ? reader.ReadString() : null;
            var lot = new PointsLot
            {
                LotId = lotId ?? OrderPrefix + orderId,
                Source = flags.HasFlag(LotFlags.Adjustment) ? PointsLotSource.Adjustment : PointsLotSource.Purchase,
                OrderId = orderId,
                Earned = reader.Read7BitEncodedInt64(),
                Remaining = reader.Read7BitEncodedInt64(),
                ExpiredPoints = reader.Read7BitEncodedInt64(),
                Reversed = reader.Read7BitEncodedInt64(),
            };
            var earnedTicks = previousEarned + ReadSigned(reader);
            lot.EarnedAt = At(earnedTicks, ReadSigned(reader));
            var expiresTicks = earnedTicks + ReadSigned(reader);
            lot.ExpiresAt = At(expiresTicks, ReadSigned(reader));
            lot.RefundedInBase = flags.HasFlag(LotFlags.HasRefund) ? reader.ReadDecimal() : 0m;
            previousEarned = earnedTicks;
            lots.Add(lot);
        }

        return lots;
    }

    private static DateTimeOffset At(long utcTicks, long offsetMinutes)
    {
        var offset = TimeSpan.FromMinutes(offsetMinutes);
        return new DateTimeOffset(utcTicks + offset.Ticks, offset);
    }

    // Zig-zag, so small negative differences (lots out of time order) stay short too.
    private static void WriteSigned(BinaryWriter writer, long value) => writer.Write7BitEncodedInt64(unchecked((value << 1) ^ (value >> 63)));

    private static long ReadSigned(BinaryReader reader)
    {
        var raw = unchecked((ulong)reader.Read7BitEncodedInt64());
        return unchecked((long)(raw >> 1) ^ -(long)(raw & 1));
    }
}

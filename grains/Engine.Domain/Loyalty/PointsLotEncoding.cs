using System.Text;
using Engine.Domain.Storage;

namespace Engine.Domain.Loyalty;

/// <summary>
/// The lots as stored: one byte string of variable-length integers instead of one serialized
/// object per lot (about 20 bytes a lot instead of 100; docs/architecture.md, "Bounded state").
/// Times are UTC ticks, each lot's earning as a difference from the previous lot's and its
/// expiry from its earning (as whole months when it is that); a purchase lot's id is not stored
/// when it is "order:" + its order id.
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
        ExpiryInMonths = 16,
        HasLosses = 32,
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
                | (lot.RefundedInBase != 0m ? LotFlags.HasRefund : LotFlags.None)
                | (ExpiryMonths(lot) is not null ? LotFlags.ExpiryInMonths : LotFlags.None)
                | (lot.ExpiredPoints != 0 || lot.Reversed != 0 ? LotFlags.HasLosses : LotFlags.None);
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
            if (flags.HasFlag(LotFlags.HasLosses))
            {
                writer.Write7BitEncodedInt64(lot.ExpiredPoints);
                writer.Write7BitEncodedInt64(lot.Reversed);
            }

            writer.WriteInstant(lot.EarnedAt, previousEarned);
            if (ExpiryMonths(lot) is { } months)
            {
                writer.Write(months);
            }
            else
            {
                writer.WriteInstant(lot.ExpiresAt, lot.EarnedAt.UtcTicks);
            }
            if (lot.RefundedInBase != 0m)
            {
                writer.Write(lot.RefundedInBase);
            }

            previousEarned = lot.EarnedAt.UtcTicks;
        }

        writer.Flush();
        return stream.ToArray();
    }

    /// <summary>The whole UTC months from earning to expiry (as fixed expiry gives), when that is exactly the expiry.</summary>
    private static byte? ExpiryMonths(PointsLot lot)
    {
        var earned = lot.EarnedAt.UtcDateTime;
        var expires = lot.ExpiresAt.UtcDateTime;
        var months = ((expires.Year - earned.Year) * 12) + expires.Month - earned.Month;
        return months is >= 0 and <= byte.MaxValue && lot.ExpiresAt.Offset == TimeSpan.Zero && lot.EarnedAt.ToUniversalTime().AddMonths(months) == lot.ExpiresAt
            ? (byte)months
            : null;
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
            };
            if (flags.HasFlag(LotFlags.HasLosses))
            {
                lot.ExpiredPoints = reader.Read7BitEncodedInt64();
                lot.Reversed = reader.Read7BitEncodedInt64();
            }

            lot.EarnedAt = reader.ReadInstant(previousEarned);
            lot.ExpiresAt = flags.HasFlag(LotFlags.ExpiryInMonths)
                ? lot.EarnedAt.ToUniversalTime().AddMonths(reader.ReadByte())
                : reader.ReadInstant(lot.EarnedAt.UtcTicks);
            lot.RefundedInBase = flags.HasFlag(LotFlags.HasRefund) ? reader.ReadDecimal() : 0m;
            previousEarned = lot.EarnedAt.UtcTicks;
            lots.Add(lot);
        }

        return lots;
    }
}

using Engine.Domain.Storage;

namespace Engine.Domain.Value;

/// <summary>
/// The value lists as stored: byte strings of variable-length integers instead of one
/// serialized object per entry (docs/architecture.md, "Bounded state"). Days and times are
/// differences from the previous entry, amounts scale and mantissa, an order's currency only
/// when it changes and its base amount only when it differs. The first byte is the format.
/// </summary>
public static class ValueEncoding
{
    private const byte Format = 1;

    [Flags]
    private enum OrderFlags : byte
    {
        None = 0,
        NewCurrency = 1,
        BaseDiffers = 2,
        Refunded = 4,
    }

    public static byte[] PackOrders(IReadOnlyList<OrderRecord> orders) => PackedNumbers.PackList(orders.Count, Format, writer =>
    {
        string? currency = null;
        long previous = 0;
        foreach (var order in orders)
        {
            var flags = (string.Equals(order.Currency, currency, StringComparison.Ordinal) ? OrderFlags.None : OrderFlags.NewCurrency)
                | (order.AmountInBase != order.Amount ? OrderFlags.BaseDiffers : OrderFlags.None)
                | (order.Refunded != 0m || order.RefundedInBase != 0m ? OrderFlags.Refunded : OrderFlags.None);
            writer.Write((byte)flags);
            writer.Write(order.OrderId);
            writer.WriteCompact(order.Amount);
            if (flags.HasFlag(OrderFlags.NewCurrency))
            {
                writer.Write(order.Currency);
                currency = order.Currency;
            }

            if (flags.HasFlag(OrderFlags.BaseDiffers))
            {
                writer.WriteCompact(order.AmountInBase);
            }

            writer.WriteInstant(order.At, previous);
            previous = order.At.UtcTicks;
            if (flags.HasFlag(OrderFlags.Refunded))
            {
                writer.WriteCompact(order.Refunded);
                writer.WriteCompact(order.RefundedInBase);
            }
        }
    });

    public static List<OrderRecord> UnpackOrders(byte[]? packed) => PackedNumbers.UnpackList<OrderRecord>(packed, Format, reader =>
    {
        var currency = "";
        long previous = 0;
        return () =>
        {
            var flags = (OrderFlags)reader.ReadByte();
            var orderId = reader.ReadString();
            var amount = reader.ReadCompactDecimal();
            currency = flags.HasFlag(OrderFlags.NewCurrency) ? reader.ReadString() : currency;
            var amountInBase = flags.HasFlag(OrderFlags.BaseDiffers) ? reader.ReadCompactDecimal() : amount;
            var at = reader.ReadInstant(previous);
            previous = at.UtcTicks;
            var refunded = flags.HasFlag(OrderFlags.Refunded) ? reader.ReadCompactDecimal() : 0m;
            var refundedInBase = flags.HasFlag(OrderFlags.Refunded) ? reader.ReadCompactDecimal() : 0m;
            return new OrderRecord(orderId, amount, currency, amountInBase, at, refunded, refundedInBase);
        };
    });

    public static byte[] PackDailySpend(IReadOnlyList<DailySpend> days) => PackedNumbers.PackList(days.Count, Format, writer =>
    {
        var previous = 0;
        foreach (var day in days)
        {
            writer.WriteSigned(day.Day - previous);
            previous = day.Day;
            writer.WriteCompact(day.Amount);
            writer.Write7BitEncodedInt(day.Orders);
        }
    });

    public static List<DailySpend> UnpackDailySpend(byte[]? packed) => PackedNumbers.UnpackList<DailySpend>(packed, Format, reader =>
    {
        var previous = 0;
        return () =>
        {
            var day = checked((int)(previous + reader.ReadSigned()));
            previous = day;
            return new DailySpend(day, reader.ReadCompactDecimal()) { Orders = reader.Read7BitEncodedInt() };
        };
    });

    public static byte[] PackDays(IReadOnlyList<int> days) => PackedNumbers.PackList(days.Count, Format, writer =>
    {
        var previous = 0;
        foreach (var day in days)
        {
            writer.WriteSigned(day - previous);
            previous = day;
        }
    });

    public static List<int> UnpackDays(byte[]? packed) => PackedNumbers.UnpackList<int>(packed, Format, reader =>
    {
        var previous = 0;
        return () => previous = checked((int)(previous + reader.ReadSigned()));
    });
}

using Engine.Domain.Storage;

namespace Engine.Domain.Cart;

/// <summary>
/// The cart's lists as stored: byte strings of variable-length integers instead of one
/// serialized object per line (docs/architecture.md, "Bounded state"). Times are differences
/// from the previous entry's; the first byte is the format.
/// </summary>
public static class CartEncoding
{
    private const byte Format = 1;

    public static byte[] PackLines(IReadOnlyList<CartLine> lines) => PackedNumbers.PackList(lines.Count, Format, writer =>
    {
        long previous = 0;
        foreach (var line in lines)
        {
            writer.Write(line.Sku);
            writer.Write(line.Name is not null);
            if (line.Name is not null)
            {
                writer.Write(line.Name);
            }

            writer.Write7BitEncodedInt(line.Quantity);
            writer.WriteCompact(line.UnitPrice);
            writer.WriteInstant(line.LastChangedAt, previous);
            previous = line.LastChangedAt.UtcTicks;
        }
    });

    public static List<CartLine> UnpackLines(byte[]? packed) => PackedNumbers.UnpackList<CartLine>(packed, Format, reader =>
    {
        long previous = 0;
        return () =>
        {
            var sku = reader.ReadString();
            var name = reader.ReadBoolean() ? reader.ReadString() : null;
            var quantity = reader.Read7BitEncodedInt();
            var unitPrice = reader.ReadCompactDecimal();
            var at = reader.ReadInstant(previous);
            previous = at.UtcTicks;
            return new CartLine(sku, name, quantity, unitPrice, at);
        };
    });

    public static byte[] PackPurchases(IReadOnlyList<SkuPurchase> purchases) => PackedNumbers.PackList(purchases.Count, Format, writer =>
    {
        long previous = 0;
        foreach (var purchase in purchases)
        {
            writer.Write(purchase.Sku);
            writer.WriteInstant(purchase.At, previous);
            previous = purchase.At.UtcTicks;
        }
    });

    public static List<SkuPurchase> UnpackPurchases(byte[]? packed) => PackedNumbers.UnpackList<SkuPurchase>(packed, Format, reader =>
    {
        long previous = 0;
        return () =>
        {
            var sku = reader.ReadString();
            var at = reader.ReadInstant(previous);
            previous = at.UtcTicks;
            return new SkuPurchase(sku, at);
        };
    });
}

using Engine.Domain.Cart;
using Engine.Domain.Customers;
using Engine.Domain.Value;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Engine.Domain.Tests;

/// <summary>
/// The value, cart and dedupe lists are stored packed: every entry reads back as it was
/// written, and rows written when they were stored as objects still read.
/// </summary>
[Trait("Category", "Unit")]
public sealed class PackedStateTests : IDisposable
{
    /// <summary>
    /// A CustomerState serialized by commit 758c3a2 (lists stored as objects): two orders (one
    /// partly refunded), two spend days, a cart line, a bought product, event ids and business keys.
    /// </summary>
    private const string StateWithObjectLists =
        "IEAdYy1sZWdhY3ktbGlzdHMhwAHBAcEBwQHBAcEBwQHgIUAhAAABAAAAAABJAgAAAAAAAAEJIYAAbhvjQUzeCIEAaMRhCAAAAOAh" +
        "gABQiK+cTt4IgQBoxGEIAAAA4CEABSHoAESStEEhAAABAAAAAAAdAQAAAAAAAAEF4CDoAHSStEEhAAAAAAAAAAAeAAAAAAAAAAEF" +
        "4OAhAAUBRJK0AHSStOAh4CEABSHoQAtvcmQtMUEhAAABAAAAAAAdAQAAAAAAAEEHVVNEQSEAAAEAAAAAAB0BAAAAAAAAIYAAbhvj" +
        "QUzeCIEAaMRhCAAAAOBBIQAAAAAAAAAAAAAAAAAAAABBIQAAAAAAAAAAAAAAAAAAAADgIOhAC29yZC0yQSEAAAAAAAAAACgAAAAA" +
        "AAAAwVFBIQAAAAAAAAAAKAAAAAAAAAAhgABQiK+cTt4IgQBoxGEIAAAA4EEhAAAAAAAAAAAKAAAAAAAAAEEhAAAAAAAAAAAKAAAA" +
        "AAAAAODgAQHgIQABAQEBCQEBAQEBBSEAA4FijXcq7kGvL+AhgABQiK+cTt4IgQBoxGEIAAAA4IHMfclnYYQ5QCGAAFCIr5xO3giB" +
        "AGjEYQgAAADg4CEgAAMh6EALU0tVLUFBB011ZwEJQSEAAAEAAAAAAH0AAAAAAAAAIYAAEEswQUzeCIEAaMRhCAAAAODg4MEBIYAA" +
        "bhvjQUzeCIEAaMRhCAAAAOAhAAMh6EALU0tVLUMhgABQiK+cTt4IgQBoxGEIAAAA4ODgIYAAUIivnE7eCIEAaMRhCAAAAOBBB3Mt" +
        "MeAhIDABMSzULh1TdHJpbmdDb21wYXJlcgADAQHgAQNBLWVuZ2FnZW1lbnQucHVyY2hhc2VzLzEAEeAhAAuBsmpIvqm8CmiAiYdF" +
        "vqlWB2iAKeZnLCXREhOAUslqLCU3FhOAmxiVe3UXbs7gIQALgSRJb0aT0/AWgCRJtnuqOEufgCdJZkaToeYWgCdJv3uqalWfgChJ" +
        "Y9wXiT9e4AGEkrTgARUhIAAFIUAXb3JkZXI6b3JkLTEJAwHBTQFxAXEhgABuG+NBTN4IgQBoxGEIAAAA4CGAAMYd+gpr3wiBAAAA" +
        "AAAAAADgAQEBAUEhAAAAAAAAAAAAAAAAAAAAAOAgQBdvcmRlcjpvcmQtMgkDAcFhAaEBeSGAAFCIr5xO3giBAGjEYQgAAADgIYAA" +
        "qIrGZW3fCIEAAAAAAAAAAOABAQEpQSEAAAAAAAAAAAoAAAAAAAAA4OBBDUJyb256ZSGAAG4b40FM3giBAGjEYQgAAADgwQHBAQEi" +
        "AgEBAQEBKQEBAQEBASGAAFCIr5xO3giBAGjEYQgAAADgIeDgISDgISDgAQEBAeDgAQHBAcEBIeAhAAEBAcEBAQHBASHgIeDg4A==";

    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.FromHours(1));

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(CustomerState).Assembly)).BuildServiceProvider();

    private Serializer Serializer => _services.GetRequiredService<Serializer>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void State_stored_with_lists_as_objects_reads_the_same_lists_and_writes_them_packed()
    {
        var stored = Convert.FromBase64String(StateWithObjectLists);
        var state = Serializer.Deserialize<CustomerState>(stored)!;
        AssertLegacyLists(state);

        var rewritten = Serializer.SerializeToArray(state);
        Assert.True(rewritten.Length < stored.Length, $"{rewritten.Length} bytes rewritten, {stored.Length} stored");
        AssertLegacyLists(Serializer.Deserialize<CustomerState>(rewritten)!);
    }

    [Property(MaxTest = 200)]
    public Property Orders_and_spend_days_read_back_as_they_were_written() =>
        Prop.ForAll(
            Gen.ListOf(
                from id in Gen.Elements("o-1", "ünïcode-ørder", "")
                from amount in Amounts
                from currency in Gen.Elements("USD", "EUR")
                from inBase in Gen.Elements(0, 1)
                from at in Instants
                from refunded in Gen.Elements(0m, 0.01m, 5m)
                select new OrderRecord(id, amount, currency, inBase == 0 ? amount : amount / 3, at, refunded, refunded * 2)).ToArbitrary(),
            Gen.ListOf(
                from day in Gen.Choose(0, 3_000_000)
                from amount in Amounts
                from orders in Gen.Choose(0, 1000)
                select new DailySpend(day, amount) { Orders = orders }).ToArbitrary(),
            Gen.ListOf(Gen.Choose(0, 3_000_000)).ToArbitrary(),
            (orders, spend, days) =>
                ValueEncoding.UnpackOrders(ValueEncoding.PackOrders(orders)).Select(o => o.ToString()).SequenceEqual(orders.Select(o => o.ToString()))
                && ValueEncoding.UnpackDailySpend(ValueEncoding.PackDailySpend(spend)).Select(d => d.ToString()).SequenceEqual(spend.Select(d => d.ToString()))
                && ValueEncoding.UnpackDays(ValueEncoding.PackDays(days)).SequenceEqual(days));

    [Property(MaxTest = 200)]
    public Property Cart_lines_and_bought_products_read_back_as_they_were_written() =>
        Prop.ForAll(
            Gen.ListOf(
                from sku in Gen.Elements("SKU-1", "", "ß-42")
                from name in Gen.Elements<string?>(null, "Mug", "")
                from quantity in Gen.Choose(0, int.MaxValue)
                from price in Amounts
                from at in Instants
                select new CartLine(sku, name, quantity, price, at)).ToArbitrary(),
            Gen.ListOf(Instants.Select(at => new SkuPurchase("SKU-" + at.Minute, at))).ToArbitrary(),
            (lines, bought) =>
                CartEncoding.UnpackLines(CartEncoding.PackLines(lines)).Select(Describe).SequenceEqual(lines.Select(Describe))
                && CartEncoding.UnpackPurchases(CartEncoding.PackPurchases(bought)).Select(p => (p.Sku, p.At, p.At.Offset)).SequenceEqual(bought.Select(p => (p.Sku, p.At, p.At.Offset))));

    private static Gen<decimal> Amounts => Gen.Elements(0m, 0.00m, 19.90m, -3.5m, 1_000_000_000m, 0.0000001m, decimal.MaxValue, decimal.MinValue, 79228162514.264337593543950335m);

    private static Gen<DateTimeOffset> Instants =>
        from seconds in Gen.Choose(-2_000_000_000, 2_000_000_000)
        from ticks in Gen.Elements(0, 1, 9_999_999)
        from offset in Gen.Elements(0, -300, 60, 345, 840)
        select new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.FromMinutes(offset)).AddSeconds(seconds).AddTicks(ticks);

    private static string Describe(CartLine l) => $"{l.Sku}|{l.Name ?? "<null>"}|{l.Quantity}|{l.UnitPrice}|{l.LastChangedAt:o}";

    private static void AssertLegacyLists(CustomerState state)
    {
        Assert.Equal(
            [
                new OrderRecord("ord-1", 28.5m, "USD", 28.5m, T0.AddMinutes(5)),
                new OrderRecord("ord-2", 40m, "USD", 40m, T0.AddDays(3), 10m, 10m),
            ],
            state.Value.RecentOrders);
        Assert.Equal([new DailySpend(739620, 28.5m) { Orders = 1 }, new DailySpend(739623, 30m) { Orders = 1 }], state.Value.DailySpend);
        Assert.Equal([739620, 739623], state.Value.PurchaseDays);
        Assert.Equal([new CartLine("SKU-A", "Mug", 2, 12.5m, T0)], state.Cart.Lines);
        Assert.Equal([new SkuPurchase("SKU-C", T0.AddDays(3))], state.Cart.RecentlyPurchased);
        Assert.Equal([7497011966939523762UL, 7496055391823169417UL, 1374390793890424361UL, 1375347369006778706UL, 14874852412603308187UL], state.Progress.RecentEventIds);
        Assert.Equal([1653053692740323620UL, 11478330380154980644UL, 1650183967391238439UL, 11481200105504065831UL, 6791297498672744744UL], state.Progress.AppliedKeys);
        Assert.All(state.Value.RecentOrders, o => Assert.Equal(TimeSpan.FromHours(1), o.At.Offset));
    }
}

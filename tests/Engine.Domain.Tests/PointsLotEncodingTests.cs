using Engine.Domain.Customers;
using Engine.Domain.Loyalty;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Engine.Domain.Tests;

/// <summary>
/// Points lots are stored packed: every lot reads back as it was written, and rows written
/// when the lots were stored as objects still read.
/// </summary>
[Trait("Category", "Unit")]
public sealed class PointsLotEncodingTests : IDisposable
{
    /// <summary>
    /// A CustomerState serialized by commit 758c3a2 (lots stored as objects): three lots, one
    /// spent, one partly refunded, one grant.
    /// </summary>
    private const string StateWithObjectLots =
        "IEAbYy1sZWdhY3ktbG90cyHAAcEBwQHBAcEBwQHBAeAhQCEAAAAAAAAAAAAAAAAAAAAAAQHBAcEBIeAh4CHgIeABAeAhAAEBAQEB" +
        "AQEBAQEBIeDBAYEAAAAAAAAAAMEB4CEg4MEBwQEh4MEBwQHgISAwATEs1C4dU3RyaW5nQ29tcGFyZXIAAwEB4OAh4CHgAQHgAQEh" +
        "IAAHIUAXb3JkZXI6b3JkLTEJAwFBC29yZC0xAcIDAQEhgAAQSzBBTN4IgQBoxGEIAAAA4CGAAGhNRwpr3wiBAAAAAAAAAADgAQEB" +
        "AUEhAAAAAAAAAAAAAAAAAAAAAOAgQBdvcmRlcjpvcmQtMgkDAUELb3JkLTIBggIBeSGAAJAehdNN3giBAGjEYQgAAADgIYAA6CCc" +
        "nGzfCIEAAAAAAAAAAOABAQGhQSEAAAAAAAAAACgAAAAAAAAA4CBAH2FkanVzdDphZGotZXYtMQkDBcEBAWUBZSGAAFCIr5xO3giB" +
        "AGjEYQgAAADgIYAAqIrGZW3fCIEAAAAAAAAAAOABAQEBQSEAAAAAAAAAAAAAAAAAAAAA4ODBAcEBwQHBAQFCBgESBAEBAaEBZQEB" +
        "AQEhgAAQ8tllT94IgQBoxGEIAAAA4CHg4CEg4CEg4AEBAQHg4AEBwQHBASHgIQABAQHBAQEBwQEh4CHg4OA=";

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(CustomerState).Assembly)).BuildServiceProvider();

    private Serializer Serializer => _services.GetRequiredService<Serializer>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void State_stored_with_lots_as_objects_reads_the_same_lots_and_writes_them_packed()
    {
        var state = Serializer.Deserialize<CustomerState>(Convert.FromBase64String(StateWithObjectLots))!;
        var expected = new[]
        {
            "order:ord-1 Purchase ord-1 120 0 0 0 0 2026-01-05T10:00:00.0000000+01:00 2027-01-05T09:00:00.0000000+00:00",
            "order:ord-2 Purchase ord-2 80 30 0 40 40 2026-01-07T10:00:00.0000000+01:00 2027-01-07T09:00:00.0000000+00:00",
            "adjust:adj-ev-1 Adjustment  25 25 0 0 0 2026-01-08T10:00:00.0000000+01:00 2027-01-08T09:00:00.0000000+00:00",
        };

        Assert.Equal(expected, state.Loyalty.Lots.Select(Describe));
        var rewritten = Serializer.SerializeToArray(state);
        Assert.True(rewritten.Length < Convert.FromBase64String(StateWithObjectLots).Length);
        Assert.Equal(expected, Serializer.Deserialize<CustomerState>(rewritten)!.Loyalty.Lots.Select(Describe));
    }

    [Property(MaxTest = 200)]
    public Property Every_lot_reads_back_as_it_was_written() =>
        Prop.ForAll(
            Gen.ListOf(
                from id in Gen.Elements("order:o-1", "order:o-1#2", "adjust:e-7", "order:x", "")
                from order in Gen.Elements<string?>("o-1", "x", null, "ünïcode")
                from numbers in Gen.Choose(0, 1_000_000).Two()
                from big in Gen.Elements(0L, 1L, LoyaltyAccount.MaxPointsPerEvent, long.MaxValue)
                from minutes in Gen.Choose(-3_000_000, 3_000_000)
                from offsets in Gen.Elements(-720, -90, 0, 60, 345, 840).Two()
                from months in Gen.Choose(-2, 36)
                from refunded in Gen.Elements(0m, 12.5m, 0.0001m, 79228162514264337593543950335m)
                select new PointsLot
                {
                    LotId = id,
                    Source = id.StartsWith("adjust", StringComparison.Ordinal) ? PointsLotSource.Adjustment : PointsLotSource.Purchase,
                    OrderId = order,
                    Earned = big,
                    Remaining = numbers.Item1,
                    ExpiredPoints = numbers.Item2,
                    Reversed = big / 3,
                    RefundedInBase = refunded,
                    EarnedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromMinutes(offsets.Item1)).AddMinutes(minutes),
                    ExpiresAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromMinutes(offsets.Item2)).AddMinutes(minutes).AddMonths(months),
                }).ToArbitrary(),
            lots =>
            {
                var read = PointsLotEncoding.Unpack(PointsLotEncoding.Pack(lots));
                return read.Select(Describe).SequenceEqual(lots.Select(Describe));
            });

    private static string Describe(PointsLot l) =>
        $"{l.LotId} {l.Source} {l.OrderId} {l.Earned} {l.Remaining} {l.ExpiredPoints} {l.Reversed} {l.RefundedInBase} {l.EarnedAt:o} {l.ExpiresAt:o}";
}

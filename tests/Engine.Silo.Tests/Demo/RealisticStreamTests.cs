using System.Globalization;
using System.Text.Json;
using Engine.Domain.Events;
using Engine.Silo.Demo;

namespace Engine.Silo.Tests.Demo;

/// <summary>
/// The realistic profile reproduces CDNOW's purchases per customer-year and order values
/// with the assumed conversion, so tier changes per event are a real shop's (docs/benchmarks.md,
/// "Realistic stream").
/// </summary>
[Trait("Category", "Unit")]
public sealed class RealisticStreamTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Customers_buy_as_often_and_as_much_as_CDNOWs()
    {
        var simulation = new ShopperSimulation(10_000, 3, Start, "real-", profile: ShopperProfile.Realistic);
        var stream = Read(simulation.Take(simulation.OpeningEvents + 200_000));
        var history = stream.Take(simulation.OpeningEvents).Where(e => e.Type == EventTypes.Purchase).ToList();
        var live = stream.Skip(simulation.OpeningEvents).ToList();

        var purchases = live.Where(e => e.Type == EventTypes.Purchase).ToList();
        var years = (live[^1].At - Start).TotalDays / 365;
        var expected = CdnowPurchaseModel.PurchasesPerCustomerYear;
        Assert.InRange(purchases.Count / (10_000 * years), expected * 0.9, expected * 1.1);
        Assert.InRange(history.Count / 10_000.0, expected * 0.9, expected * 1.1);
        Assert.All(history, e => Assert.InRange(e.At, Start.AddDays(-365), Start));
        Assert.InRange(purchases.Average(p => (double)p.Amount), CdnowPurchaseModel.MeanOrderValue * 0.9, CdnowPurchaseModel.MeanOrderValue * 1.1);
        // Conversion 2.5 % of sessions at about 3.1 clicks each (an assumption, see CdnowPurchaseModel).
        Assert.InRange((double)live.Count / purchases.Count, 115, 135);
    }

    [Fact]
    public void After_the_history_tiers_change_at_a_running_shops_rate()
    {
        const int customers = 10_000;
        var simulation = new ShopperSimulation(customers, 5, Start, "tier-", profile: ShopperProfile.Realistic);
        var stream = Read(simulation.Take(simulation.OpeningEvents + 400_000));

        // Upgrades only: downgrades come from the engine's clock (re-qualification dates), not from events.
        var window = new Dictionary<string, Queue<StreamEvent>>();
        var spend = new Dictionary<string, decimal>();
        var held = new Dictionary<string, int>();
        int historyUpgrades = 0, liveUpgrades = 0;
        foreach (var purchase in stream.Where(e => e.Type == EventTypes.Purchase))
        {
            var orders = window.TryGetValue(purchase.CustomerId, out var known) ? known : window[purchase.CustomerId] = new();
            var rolling = spend.GetValueOrDefault(purchase.CustomerId) + purchase.Amount;
            while (orders.Count > 0 && orders.Peek().At <= purchase.At.AddDays(-365))
            {
                rolling -= orders.Dequeue().Amount;
            }

            orders.Enqueue(purchase);
            spend[purchase.CustomerId] = rolling;
            if (DefaultTier(rolling) > held.GetValueOrDefault(purchase.CustomerId))
            {
                held[purchase.CustomerId] = DefaultTier(rolling);
                if (purchase.At < Start)
                {
                    historyUpgrades++;
                }
                else
                {
                    liveUpgrades++;
                }
            }
        }

        // The history is a year from no spend, as CDNOW's first-year customers: 0.0275 upgrades each.
        Assert.InRange((double)historyUpgrades / customers, 0.02, 0.045);
        // The first simulated weeks after it: about 0.17 per 1,000 events (docs/benchmarks.md); the stress stream changes 10-40.
        Assert.InRange(liveUpgrades * 1000.0 / 400_000, 0.09, 0.27);
    }

    [Fact]
    public void The_stream_is_the_same_for_the_same_seed_and_keeps_each_customers_events_in_order()
    {
        var first = new ShopperSimulation(300, 9, Start, "again-", profile: ShopperProfile.Realistic).Take(30_000).ToList();
        var second = new ShopperSimulation(300, 9, Start, "again-", profile: ShopperProfile.Realistic).Take(30_000).ToList();

        Assert.Equal(first.Select(e => Convert.ToBase64String(e.Json)), second.Select(e => Convert.ToBase64String(e.Json)));
        Assert.All(Read(first).GroupBy(e => e.CustomerId), events =>
        {
            var times = events.Select(e => e.At).ToList();
            Assert.Equal(times.Order(), times);
        });
    }

    private static int DefaultTier(decimal rollingSpend) => rollingSpend switch
    {
        >= 5000m => 3,
        >= 1000m => 2,
        >= 500m => 1,
        _ => 0,
    };

    private static List<StreamEvent> Read(IEnumerable<SimulatedEvent> events) => [.. events.Select(e =>
    {
        using var json = JsonDocument.Parse(e.Json);
        var root = json.RootElement;
        return new StreamEvent(
            e.Type,
            e.CustomerId,
            DateTimeOffset.Parse(root.GetProperty("occurredAt").GetString()!, CultureInfo.InvariantCulture),
            root.TryGetProperty("amount", out var amount) ? amount.GetDecimal() : 0m);
    })];

    private sealed record StreamEvent(string Type, string CustomerId, DateTimeOffset At, decimal Amount);
}

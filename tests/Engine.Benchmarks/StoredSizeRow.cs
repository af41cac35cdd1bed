using Engine.Domain.Cart;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Loyalty;
using Engine.Domain.Value;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Engine.Benchmarks;

/// <summary>
/// The benchmark row "stored size of a customer after ten years of heavy activity": one
/// customer's state, serialized as grain storage writes it, after ten years of three orders a
/// week (a tenth refunded in part), a redemption a month, an adjustment a quarter, sixty
/// clicks a week and a profile update a month, with the clock advanced daily (expiries,
/// reminders, tier reviews). Not a timing: it runs alone
/// (<c>dotnet run -c Release --project tests/Engine.Benchmarks -- stored-size</c>), exits 1
/// above its target, and docs/benchmarks.md records it by component.
/// </summary>
public static class StoredSizeRow
{
    public const string Command = "stored-size";

    /// <summary>The target: a heavy customer's state after ten years fits in this many bytes.</summary>
    public const int TargetBytes = 8 * 1024;

    public static int Run()
    {
        var five = Measure(5).Sizes["total"];
        var (state, sizes) = Measure();
        Console.WriteLine($"  (lots {state.Loyalty.Lots.Count}, orders {state.Value.RecentOrders.Count}, spend days {state.Value.DailySpend.Count}, purchase days {state.Value.PurchaseDays.Count}, outbox messages {state.Outbox.Messages.Count}, cart lines {state.Cart.Lines.Count}, business keys {state.Progress.AppliedKeys.Count})");
        Console.WriteLine($"Stored size after ten years of heavy activity: {sizes["total"]:N0} bytes (target {TargetBytes:N0}; after five years {five:N0}); {state.EventsApplied:N0} events applied");
        foreach (var (part, bytes) in sizes.Where(s => s.Key != "total").OrderByDescending(s => s.Value))
        {
            Console.WriteLine($"  {part,-24} {bytes,8:N0}");
        }

        return sizes["total"] <= TargetBytes ? 0 : 1;
    }

    /// <summary>The state after ten heavy years and the serialized size of it and of its parts.</summary>
    public static (CustomerState State, Dictionary<string, int> Sizes) Measure(int years = 10)
    {
        var state = new CustomerState { CustomerId = "heavy-0001" };
        var rules = new CustomerRules();
        var start = new DateTimeOffset(2016, 1, 4, 9, 0, 0, TimeSpan.Zero);
        var random = new Random(7);
        long offset = 0;
        var orders = new List<string>();
        void Apply(CustomerEvent e, DateTimeOffset now)
        {
            state.Apply(new SequencedEvent(e, new EventPosition("engagement.purchases/3", offset++)), rules);
            CustomerNotifications.Record(state, state.TakeLoyaltyEffects(), now, rules.Loyalty);
        }

        for (var day = 0; day < years * 365 + years / 4; day++)
        {
            var at = start.AddDays(day);
            if (day % 7 is 0 or 2 or 4)
            {
                var order = $"ord-{day:D5}";
                orders.Add(order);
                var lines = Enumerable.Range(0, random.Next(2, 6)).Select(i => new PurchaseLine($"SKU-{random.Next(500):D4}", "Product", random.Next(1, 3), 19.90m)).ToList();
                Apply(new PurchaseEvent { EventId = $"p-{day}", CustomerId = state.CustomerId, OccurredAt = at, OrderId = order, Amount = 25m + random.Next(0, 200), Currency = "USD", Items = lines }, at);
            }

            if (day % 70 == 5 && orders.Count > 0)
            {
                Apply(new RefundEvent { EventId = $"r-{day}", CustomerId = state.CustomerId, OccurredAt = at, OrderId = orders[^1], Amount = 10m, Currency = "USD" }, at);
            }

            if (day % 30 == 11)
            {
                Apply(new PointsRedeemedEvent { EventId = $"x-{day}", CustomerId = state.CustomerId, OccurredAt = at, Points = 100, Reason = "voucher", RedemptionId = $"vch-{day}" }, at);
            }

            if (day % 91 == 17)
            {
                Apply(new PointsAdjustedEvent { EventId = $"a-{day}", CustomerId = state.CustomerId, OccurredAt = at, Points = 50, Reason = "goodwill" }, at);
            }

            if (day % 30 == 3)
            {
                Apply(new CustomerProfileEvent { EventId = $"u-{day}", CustomerId = state.CustomerId, OccurredAt = at, FirstName = "Camille", Phone = "+14155550123", TimeZone = "Europe/Paris", Locale = "fr-FR" }, at);
            }

            for (var c = 0; c < 9; c++)
            {
                var action = (ClickAction)random.Next(0, 5);
                var sku = $"SKU-{random.Next(500):D4}";
                Apply(new ClickEvent { EventId = $"c-{day}-{c}", CustomerId = state.CustomerId, OccurredAt = at.AddMinutes(c), Action = action, SessionId = $"s-{day}", Sku = action is ClickAction.AddToCart or ClickAction.RemoveFromCart ? sku : null, Quantity = action == ClickAction.AddToCart ? 1 : null, UnitPrice = 19.90m }, at);
            }

            var evening = at.AddHours(12);
            state.AdvanceTo(evening, rules);
            CustomerNotifications.Record(state, state.TakeLoyaltyEffects(), evening, rules.Loyalty);
            // What the outbox hands out is sent and finished (as the grain's dispatcher would).
            foreach (var message in state.Outbox.Messages.Where(m => m.Status is OutboxStatus.Pending or OutboxStatus.Sending).ToList())
            {
                message.SentAt = message.Kind == OutboxKind.Sms ? evening : null;
                state.Outbox.Complete(message, OutboxStatus.Done, evening);
            }
        }

        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        int Size<T>(T value) => serializer.SerializeToArray(value).Length;
        var sizes = new Dictionary<string, int>
        {
            ["total"] = Size(state),
            ["value"] = Size(state.Value),
            ["value: daily spend"] = ValueEncoding.PackDailySpend(state.Value.DailySpend).Length,
            ["value: purchase days"] = ValueEncoding.PackDays(state.Value.PurchaseDays).Length,
            ["value: recent orders"] = ValueEncoding.PackOrders(state.Value.RecentOrders).Length,
            ["loyalty"] = Size(state.Loyalty),
            ["loyalty: lots"] = PointsLotEncoding.Pack(state.Loyalty.Lots).Length,
            ["loyalty: reminder marks"] = Size(state.Loyalty.SentReminders),
            ["outbox"] = Size(state.Outbox),
            ["outbox: sent-log"] = Size(state.Outbox.SentLog),
            ["cart"] = Size(state.Cart),
            ["cart: lines"] = CartEncoding.PackLines(state.Cart.Lines).Length,
            ["cart abandonment"] = Size(state.CartAbandonment),
            ["engagement"] = Size(state.Engagement),
            ["progress (dedupe)"] = Size(state.Progress),
            ["profile"] = Size(state.Profile),
        };
        return (state, sizes);
    }
}

using System.Globalization;
using Engine.Contracts;
using Engine.Domain.Cart;
using Engine.Domain.Effects;
using Engine.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Integration.Tests;

/// <summary>
/// The cart abandonment trigger through Kafka on PostgreSQL: a scripted mix of shoppers, the
/// exact set of messages that goes out, the revenue they recover, and a restart between the
/// last cart activity and the reminder.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CartAbandonmentTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private enum Script
    {
        Abandons,
        BuysInTime,
        BuysAfterTheReminder,
        EmptiesTheCart,
    }

    [Fact]
    public async Task A_thousand_shoppers_get_exactly_the_reminders_expected_and_recover_the_oracles_revenue()
    {
        await using var rig = await CartAbandonmentRig.StartAsync();
        var shoppers = Enumerable.Range(0, 1000).Select(i => (Id: $"cart-{i:D4}", Script: (Script)(i % 4), Number: i)).ToList();
        var start = DateTimeOffset.UtcNow;
        foreach (var (id, script, number) in shoppers)
        {
            rig.Profile(id, number);
            rig.AddToCart(id, "SKU-1", "Trail shoes", 1, 80m, start);
            rig.AddToCart(id, "SKU-2", "Socks", 1 + number % 3, 5m, start);
            switch (script)
            {
                case Script.BuysInTime:
                    rig.Purchase(id, $"{id}-early", [("SKU-1", 1, 80m), ("SKU-2", 1 + number % 3, 5m)], start.AddSeconds(2));
                    break;
                case Script.EmptiesTheCart:
                    rig.RemoveFromCart(id, "SKU-1", start.AddSeconds(1));
                    rig.RemoveFromCart(id, "SKU-2", start.AddSeconds(1));
                    break;
            }
        }

        await rig.FlushAsync();
        var reminded = shoppers.Where(s => s.Script is Script.Abandons or Script.BuysAfterTheReminder).ToList();
        var sent = await Eventually.Until(
            () => rig.CartSmsAsync(reminded.Select(s => s.Id)),
            all => all.Count(m => m.Message.Status == OutboxStatus.Done) == reminded.Count,
            Patience,
            "every abandoned cart's reminder to go out");

        // Each step left within seconds of its due time (no minute-long reminder tick in between).
        foreach (var (_, message) in sent)
        {
            var due = DateTimeOffset.Parse(message.Sms!.Data["due_at"], CultureInfo.InvariantCulture);
            Assert.InRange(message.SentAt!.Value - due, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        }

        // Those who buy now do so after the reminder: recovered, revenue as the oracle says.
        var now = DateTimeOffset.UtcNow;
        var recoveredRevenue = 0m;
        foreach (var (id, _, number) in reminded.Where(s => s.Script == Script.BuysAfterTheReminder))
        {
            var socks = 1 + number % 3;
            rig.Purchase(id, $"{id}-back", [("SKU-1", 1, 80m), ("SKU-2", socks, 5m)], now);
            recoveredRevenue += 80m + socks * 5m;
        }

        await rig.FlushAsync();
        var ledger = rig.Grains.GetGrain<IExperimentLedgerGrain>(IExperimentLedgerGrain.Key);
        var totals = await Eventually.Until(
            () => ledger.GetTotalsAsync(),
            all => all.Sum(t => t.Conversions) == 250 && all.Sum(t => t.Sends) == 500,
            Patience,
            "the ledger to count 500 sends and 250 recovered carts");

        // The exact set of messages: one reminder per abandoned cart, to no one else, each given to the gateway once.
        var everyone = await rig.CartSmsAsync(shoppers.Select(s => s.Id));
        var expected = reminded.Select(s => $"{s.Id}:cart_abandoned:1:reminder").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, everyone.Where(m => m.Message.Status == OutboxStatus.Done).Select(m => m.Message.Id).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(everyone, m => m.Message.Status != OutboxStatus.Done);
        Assert.Equal(expected, rig.Gateway().Select(g => g.MessageId).Order(StringComparer.Ordinal));
        var text = rig.Gateway().Single(g => g.MessageId == "cart-0004:cart_abandoned:1:reminder").Text;
        Assert.Contains("1x Trail shoes, 2x Socks (90.00 USD)", text, StringComparison.Ordinal);
        Assert.Contains("https://shop.example/cart/cart-0004-1?", text, StringComparison.Ordinal);

        // Recovered revenue, per variant as sticky assignment splits the customers.
        Assert.Equal(recoveredRevenue, totals.Sum(t => t.Revenue));
        var variants = new List<AbandonmentVariant> { new() { Name = "a", Weight = 1 }, new() { Name = "b", Weight = 3 } };
        var expectedSends = reminded.GroupBy(s => ExperimentVariants.Pick(s.Id, "cart-reminder", variants)).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expectedSends, totals.ToDictionary(t => t.Variant, t => t.Sends));
        var statistics = rig.Silo.Services.GetRequiredService<CartStatistics>();
        Assert.Equal(250, statistics.Recovered.Values.Sum());
        Assert.Equal((long)(recoveredRevenue * 100), statistics.RecoveredCents.Values.Sum());
    }

    [Fact]
    public async Task A_silo_restart_between_the_last_cart_activity_and_the_delay_still_sends_the_reminder_exactly_once()
    {
        await using var rig = await CartAbandonmentRig.StartAsync(new Dictionary<string, string?> { ["CartAbandonment:Delay"] = "00:00:25" });
        var ids = Enumerable.Range(0, 20).Select(i => $"restart-{i:D2}").ToList();
        // Events carry milliseconds.
        var start = DateTimeOffset.UtcNow;
        start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerMillisecond));
        foreach (var (id, number) in ids.Select((id, i) => (id, i)))
        {
            rig.Profile(id, 5000 + number);
            rig.AddToCart(id, "SKU-1", "Trail shoes", 1, 80m, start);
        }

        await rig.FlushAsync();
        // Durable with the wake-up registered for the due time: then the silo goes away.
        await Eventually.Until(
            () => Task.WhenAll(ids.Select(rig.ViewAsync)),
            views => views.All(v => v.State.WakeUpAt == start.AddSeconds(25) && !v.HasUnsavedChanges),
            Patience,
            "every cart to be durable with its wake-up set for the due time");
        await rig.StopSiloAsync();
        Assert.True(DateTimeOffset.UtcNow < start.AddSeconds(25), "the silo must be down before the reminders fall due");
        Assert.Empty(rig.Gateway());

        await rig.StartSiloAsync();
        await Eventually.Until(() => Task.FromResult(rig.Gateway()), sent => sent.Count >= ids.Count, Patience, "a reminder for every cart after the restart");
        var done = await Eventually.Until(
            () => rig.CartSmsAsync(ids),
            all => all.All(m => m.Message.Status == OutboxStatus.Done) && all.Count == ids.Count,
            Patience,
            "every reminder recorded as sent");

        Assert.Equal(ids.Select(id => $"{id}:cart_abandoned:1:reminder"), rig.Gateway().Select(g => g.MessageId).Order(StringComparer.Ordinal));
        Assert.All(done, m => Assert.InRange(m.Message.SentAt!.Value - start.AddSeconds(25), TimeSpan.Zero, TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task A_cart_falling_due_before_the_write_behind_writes_is_reminded_at_its_due_time()
    {
        // The write-behind is ten minutes away: the reminder may not wait for it.
        await using var rig = await CartAbandonmentRig.StartAsync(new Dictionary<string, string?> { ["WriteBehind:MaxUnsavedAge"] = "00:10:00" });
        var ids = Enumerable.Range(0, 20).Select(i => $"soon-{i:D2}").ToList();
        var start = DateTimeOffset.UtcNow;
        start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerMillisecond));
        foreach (var (id, number) in ids.Select((id, i) => (id, i)))
        {
            rig.Profile(id, 6000 + number);
            rig.AddToCart(id, "SKU-1", "Trail shoes", 1, 80m, start);
        }

        await rig.FlushAsync();
        var due = start + CartAbandonmentRig.Delay;
        var done = await Eventually.Until(
            () => rig.CartSmsAsync(ids),
            all => all.Count == ids.Count && all.All(m => m.Message.Status == OutboxStatus.Done),
            Patience,
            "a reminder sent for every cart");

        Assert.Equal(ids.Select(id => $"{id}:cart_abandoned:1:reminder"), rig.Gateway().Select(g => g.MessageId).Order(StringComparer.Ordinal));
        Assert.All(done, m => Assert.InRange(m.Message.SentAt!.Value - due, TimeSpan.Zero, TimeSpan.FromSeconds(15)));
    }
}

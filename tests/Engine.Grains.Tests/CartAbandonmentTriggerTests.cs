using Engine.Domain.Cart;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Sms;
using Engine.Domain.Value;
using Engine.Grains.Effects;
using Engine.Sms;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Engine.Grains.Tests;

/// <summary>
/// The customer's cart trigger parts without a cluster: the cart SMS as rendered (top lines
/// within the segment budget, value in the customer's currency, the recorded link), and what a
/// sent message leaves for attribution, the ledger and the metrics.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CartAbandonmentTriggerTests
{
    private static readonly DateTimeOffset Daytime = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Daytime);
    private readonly CustomerRules _rules = new();
    private readonly CartStatistics _statistics = new();

    [Fact]
    public void A_long_cart_shows_its_top_lines_and_how_many_more_within_the_segment_budget()
    {
        var state = Customer();
        for (var i = 1; i <= 8; i++)
        {
            state.Cart.Lines.Add(new CartLine($"SKU-{i}", $"Extraordinarily Comfortable Product Number {i}", 1, i * 10m, Daytime.AddMinutes(-60)));
        }

        var message = DueCartMessage(state);
        var text = Renderer().Render(state, message);

        // The default budget, two parts: the most valuable lines first, the rest counted.
        Assert.Equal(2, text.Segments.Segments);
        Assert.StartsWith("Hi Ana, your cart is waiting: 1x Extraordinarily Comfortable Product Number 8, 1x Extraordinarily Comfortable Product Number 7", text.Text, StringComparison.Ordinal);
        Assert.Matches(@" \+[3-6] \(360\.00 EUR\)\.", text.Text);
        Assert.Contains(message.Sms!.Data["link"], text.Text, StringComparison.Ordinal);

        // One part cannot hold the link and the text around it: lines are dropped and shortened first.
        _rules.CartAbandonment.MaxSegments = 1;
        var squeezed = Renderer().Render(state, message);
        Assert.StartsWith("Hi Ana, your cart is waiting: 1x Extraordi... +7 (360.00 EUR).", squeezed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_cart_shows_every_line_with_its_name_and_quantity()
    {
        var state = Customer();
        state.Cart.Lines.Add(new CartLine("SKU-1", "Trail shoes", 1, 80m, Daytime.AddMinutes(-60)));
        state.Cart.Lines.Add(new CartLine("SKU-2", null, 3, 5m, Daytime.AddMinutes(-60)));

        var text = Renderer().Render(state, DueCartMessage(state));

        Assert.StartsWith("Hi Ana, your cart is waiting: 1x Trail shoes, 3x SKU-2 (95.00 EUR). Finish your order: https://shop.example/cart/c-1-1?", text.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sent_cart_message_is_remembered_for_attribution_tallied_and_counted_with_its_latency()
    {
        var state = Customer();
        state.Cart.Lines.Add(new CartLine("SKU-1", "Trail shoes", 1, 80m, Daytime.AddMinutes(-60)));
        var message = DueCartMessage(state);
        message.SentAt = Daytime.AddSeconds(2);
        state.Outbox.Complete(message, OutboxStatus.Done, Daytime.AddSeconds(3));

        Assert.True(Trigger().SendSettled(state, message.Id));

        Assert.Single(state.CartAbandonment.Sent);
        var tally = Assert.Single(state.Outbox.Open(OutboxKind.ExperimentTally));
        Assert.Equal(new ExperimentTally("cart-reminder", "reminder", ExperimentVariants.Default, false, 0m), tally.Tally);
        Assert.Equal(1, _statistics.Sent[("reminder", ExperimentVariants.Default)]);
        Assert.True(_statistics.ReminderLatencies.TryDequeue(out var latency));
        Assert.Equal(2, latency, 3);
        // A tally waits for the ledger: the customer looks again within a minute.
        Assert.Equal(Daytime + CartAbandonmentTrigger.TallyRetryDelay, Trigger().NextCheck(state, Daytime));
    }

    private CartAbandonmentTrigger Trigger() => new(Options.Create(_rules), _statistics, _clock);

    private SmsRenderer Renderer() => new(new SmsTemplates(), Options.Create(new SmsPolicyOptions()), Options.Create(new SmsDeliveryOptions()), Options.Create(_rules));

    /// <summary>Abandoned an hour ago (its last line's time): the trigger queues its reminder now.</summary>
    private OutboxMessage DueCartMessage(CustomerState state)
    {
        state.Cart.UpdatedAt = state.Cart.Lines.Max(l => l.LastChangedAt);
        _rules.ExchangeRates["EUR"] = 1.1m;
        Trigger().Update(state);
        return Assert.Single(state.Outbox.Open(OutboxKind.Sms));
    }

    private static CustomerState Customer()
    {
        var state = new CustomerState { CustomerId = "c-1" };
        state.Profile.FirstName = "Ana";
        state.Profile.Locale = "en-US";
        state.Profile.Phone = "+33612345678";
        state.Profile.SmsConsent = new SmsConsent(ConsentStatus.OptedIn, "web", Daytime.AddDays(-1));
        // The customer pays in euros: the cart's value is shown in them.
        state.Value.RecentOrders.Add(new OrderRecord("o-1", 20m, "EUR", 22m, Daytime.AddDays(-10)));
        return state;
    }
}

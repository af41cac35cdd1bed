using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Engine.Domain.Tests;

/// <summary>
/// A customer's stored state is bounded: after years of daily activity it stops growing
/// (every list has a window or a cap). The size itself is the benchmark's stored-size row.
/// </summary>
[Trait("Category", "Unit")]
public sealed class StateBoundsTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public void A_heavy_customers_state_after_six_years_is_no_larger_than_after_three()
    {
        var state = new CustomerState { CustomerId = "heavy-1" };
        var sizes = new List<int>();
        var start = new DateTimeOffset(2020, 1, 1, 9, 0, 0, TimeSpan.Zero);
        var rules = new CustomerRules();
        long offset = 0;
        for (var day = 0; day < 6 * 365; day++)
        {
            var at = start.AddDays(day);
            // Ids of one width: packed lists store ids as they are, so longer ids alone would look like growth.
            CustomerEvent e = day % 2 == 0
                ? new PurchaseEvent { EventId = $"p-{day}", CustomerId = state.CustomerId, OccurredAt = at, OrderId = $"o-{day:D5}", Amount = 30m, Currency = "USD", Items = [new PurchaseLine($"SKU-{day % 300}", null, 1, 30m)] }
                : new ClickEvent { EventId = $"c-{day}", CustomerId = state.CustomerId, OccurredAt = at, Action = ClickAction.AddToCart, SessionId = $"s-{day}", Sku = $"SKU-{day % 700}" };
            state.Apply(new SequencedEvent(e, new EventPosition("engagement.purchases/0", offset++)), rules);
            state.AdvanceTo(at.AddHours(12), rules);
            CustomerNotifications.Record(state, state.TakeLoyaltyEffects(), at.AddHours(12), rules.Loyalty);
            foreach (var message in state.Outbox.Messages.Where(m => m.Status is OutboxStatus.Pending or OutboxStatus.Sending).ToList())
            {
                state.Outbox.Complete(message, OutboxStatus.Done, at.AddHours(12));
            }

            if (day is 3 * 365 or 6 * 365 - 1)
            {
                sizes.Add(Serializer.SerializeToArray(state).Length);
            }
        }

        Assert.True(sizes[1] <= sizes[0] * 1.02, $"state grew from {sizes[0]} to {sizes[1]} bytes between years three and six");
        // Every other day for six years: old purchase days are counted, not forgotten.
        Assert.Equal(6 * 365 / 2 - 1, state.Value.Frequency, tolerance: 1);
    }
}

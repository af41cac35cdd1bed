using Engine.Contracts;
using Engine.Domain.Events;
using Engine.Grains;

namespace Engine.Integration.Tests;

/// <summary>When a customer writes: by the age of its unsaved events, or at once for an effect.</summary>
[Collection(LoyaltyClockCollection.Name)]
[Trait("Category", "Integration")]
public sealed class WriteBehindTests(LoyaltyClockFixture fixture)
{
    private const string Stream = "engagement.purchases/0";
    private static readonly TimeSpan MaxUnsavedAge = new WriteBehindOptions().MaxUnsavedAge;
    private long _offset;

    [Fact]
    public async Task Events_stay_unsaved_until_they_are_old_enough_then_one_write_takes_them_all()
    {
        var customer = NewCustomer();
        await ApplyAsync(customer, Purchase(customer, 20m));
        fixture.Clock.Advance(MaxUnsavedAge / 2);
        await ApplyAsync(customer, Purchase(customer, 30m));

        var early = await customer.CheckpointAsync();
        Assert.Equal(1, early.AppliedWatermarks[Stream]);
        Assert.False(early.DurableWatermarks.ContainsKey(Stream), "nothing written before the oldest event is MaxUnsavedAge old");

        // Aged by the first event, not the last.
        fixture.Clock.Advance(MaxUnsavedAge / 2);
        var due = await customer.CheckpointAsync();
        Assert.Equal(1, due.DurableWatermarks[Stream]);
        Assert.False((await customer.GetViewAsync()).HasUnsavedChanges);
    }

    [Fact]
    public async Task An_effect_is_written_at_once_and_takes_the_unsaved_events_before_it()
    {
        var customer = NewCustomer();
        await ApplyAsync(customer, Purchase(customer, 20m));
        await ApplyAsync(customer, Purchase(customer, 600m)); // crosses Silver

        // No clock moved: the grain wrote as the effect was decided (an effect leaves only
        // once durable), taking both events, and the tier change left: the silo's effect
        // dispatcher publishes it after the write and answers the grain, which marks it Done.
        var checkpoint = await customer.CheckpointAsync();
        Assert.Equal(1, checkpoint.DurableWatermarks[Stream]);
        var view = await Eventually.Until(
            customer.GetViewAsync,
            v => v.State.Outbox.Messages.Any(m => m.Kind == Engine.Domain.Effects.OutboxKind.TierChange && m.Status == Engine.Domain.Effects.OutboxStatus.Done),
            TimeSpan.FromSeconds(30),
            "the dispatcher's answer to mark the tier change Done");
        Assert.Contains(view.State.Outbox.Messages, m => m.Kind == Engine.Domain.Effects.OutboxKind.TierChange && m.Status == Engine.Domain.Effects.OutboxStatus.Done);
    }

    [Fact]
    public async Task Events_after_an_effect_is_written_wait_for_their_own_age()
    {
        var customer = NewCustomer();
        await ApplyAsync(customer, Purchase(customer, 600m));
        await ApplyAsync(customer, Purchase(customer, 5m));
        fixture.Clock.Advance(MaxUnsavedAge / 2);

        var early = await customer.CheckpointAsync();
        Assert.Equal(0, early.DurableWatermarks[Stream]);
        Assert.Equal(1, early.AppliedWatermarks[Stream]);

        fixture.Clock.Advance(MaxUnsavedAge / 2);
        var due = await customer.CheckpointAsync();
        Assert.Equal(1, due.DurableWatermarks[Stream]);
    }

    private ICustomerGrain NewCustomer() => fixture.Client.GetGrain<ICustomerGrain>("wb-" + Guid.NewGuid().ToString("N")[..10]);

    private async Task<ApplyReport> ApplyAsync(ICustomerGrain customer, CustomerEvent e)
    {
        var report = await customer.ApplyAsync(new EventBatch([new SequencedEvent(e, new EventPosition(Stream, _offset++))]));
        Assert.Equal(1, report.Applied);
        return report;
    }

    private PurchaseEvent Purchase(ICustomerGrain customer, decimal amount) => new()
    {
        EventId = Guid.NewGuid().ToString(),
        CustomerId = customer.GetPrimaryKeyString(),
        OccurredAt = fixture.Clock.GetUtcNow(),
        OrderId = "o-" + Guid.NewGuid().ToString("N")[..8],
        Amount = amount,
        Currency = "USD",
        Items = [new PurchaseLine("SKU-1", null, 1, amount)],
    };
}

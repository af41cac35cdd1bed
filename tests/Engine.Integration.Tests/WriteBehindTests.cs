using Engine.Contracts;
using Engine.Domain.Events;
using Engine.Grains;

namespace Engine.Integration.Tests;

/// <summary>When a customer's checkpoint writes: by the age of its unsaved events, or sooner for an effect.</summary>
[Collection(LoyaltyClockCollection.Name)]
[Trait("Category", "Integration")]
public sealed class WriteBehindTests(LoyaltyClockFixture fixture)
{
    private const string Stream = "engagement.purchases/0";
    private static readonly TimeSpan MaxUnsavedAge = new WriteBehindOptions().MaxUnsavedAge;
    private static readonly TimeSpan MaxEffectDelay = new WriteBehindOptions().MaxEffectDelay;
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
    public async Task An_effect_waits_at_most_MaxEffectDelay_for_its_write_whatever_the_age_of_the_events()
    {
        var customer = NewCustomer();
        var report = await ApplyAsync(customer, Purchase(customer, 600m)); // crosses Silver

        Assert.True(report.WriteWanted, "the grain asks the ingestion to come back for the tier change");
        var view = await customer.GetViewAsync();
        Assert.Contains(view.State.Outbox.Messages, m => m.Kind == Engine.Domain.Effects.OutboxKind.TierChange);
        Assert.True(view.HasUnsavedChanges, "decided, not yet durable: it has not left");

        var early = await customer.CheckpointAsync();
        Assert.False(early.DurableWatermarks.ContainsKey(Stream), "a young effect rides a later write");
        Assert.True(early.WriteWanted, "the next checkpoint must come back for it");

        fixture.Clock.Advance(MaxEffectDelay);
        var checkpoint = await customer.CheckpointAsync();
        Assert.Equal(0, checkpoint.DurableWatermarks[Stream]);
        Assert.False(checkpoint.WriteWanted);
    }

    [Fact]
    public async Task Events_after_an_effect_is_written_wait_for_their_own_age()
    {
        var customer = NewCustomer();
        await ApplyAsync(customer, Purchase(customer, 600m));
        fixture.Clock.Advance(MaxEffectDelay);
        await customer.CheckpointAsync();

        await ApplyAsync(customer, Purchase(customer, 5m));
        fixture.Clock.Advance(MaxEffectDelay);
        var report = await customer.CheckpointAsync();

        Assert.Equal(0, report.DurableWatermarks[Stream]);
        Assert.Equal(1, report.AppliedWatermarks[Stream]);
        Assert.False(report.WriteWanted, "an event without an effect asks for no write of its own");
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

using Engine.Contracts;
using Engine.Domain.Effects;
using Engine.Domain.Events;

namespace Engine.Integration.Tests;

/// <summary>A referral through the grains: the referred customer tells its referrer once it is durable, and once per fact.</summary>
[Collection(LoyaltyClockCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ReferralTests(LoyaltyClockFixture fixture)
{
    private const string Stream = "engagement.customers/0";
    private long _offset;

    [Fact]
    public async Task A_referred_customer_who_buys_counts_one_referral_and_one_referred_buyer_for_the_referrer_even_when_redelivered()
    {
        var referrerId = "ref-" + Guid.NewGuid().ToString("N")[..10];
        var referred = fixture.Client.GetGrain<ICustomerGrain>("rfd-" + Guid.NewGuid().ToString("N")[..10]);
        var referral = new ReferralEvent
        {
            EventId = Guid.NewGuid().ToString(),
            CustomerId = referred.GetPrimaryKeyString(),
            OccurredAt = fixture.Clock.GetUtcNow(),
            ReferrerId = referrerId,
        };
        var purchase = new PurchaseEvent
        {
            EventId = Guid.NewGuid().ToString(),
            CustomerId = referred.GetPrimaryKeyString(),
            OccurredAt = fixture.Clock.GetUtcNow(),
            OrderId = "o-" + Guid.NewGuid().ToString("N")[..8],
            Amount = 25m,
            Currency = "USD",
            Items = [new PurchaseLine("SKU-1", null, 1, 25m)],
        };

        await referred.ApplyAsync(Batch(referral));
        await referred.ApplyAsync(Batch(purchase));
        await referred.FlushAsync();
        // A second referral by someone else is refused; the same one again changes nothing.
        var second = await referred.ApplyAsync(Batch(referral with { EventId = Guid.NewGuid().ToString(), ReferrerId = "someone-else" }));
        Assert.Equal("already-referred", Assert.Single(second.Rejections).Reason);
        await referred.FlushAsync();

        var referrer = fixture.Client.GetGrain<ICustomerGrain>(referrerId);
        var state = (await referrer.GetViewAsync()).State;
        Assert.Equal((1, 1), (state.Referrals.Referred, state.Referrals.ReferredBuyers));
        Assert.DoesNotContain((await referred.GetViewAsync()).State.Outbox.Messages, m => m.Kind == OutboxKind.ReferralNotice);

        // The referrer told again (a notice delivered twice after a crash) counts nothing more.
        await referrer.RecordReferralAsync(referred.GetPrimaryKeyString(), bought: true);
        state = (await referrer.GetViewAsync()).State;
        Assert.Equal((1, 1), (state.Referrals.Referred, state.Referrals.ReferredBuyers));
    }

    private EventBatch Batch(CustomerEvent e) => new([new SequencedEvent(e, new EventPosition(Stream, _offset++))]);
}

using Engine.Contracts;
using Engine.Domain.Effects;
using Engine.Domain.Events;

namespace Engine.Integration.Tests;

/// <summary>Time-driven loyalty work done by the grain with no events arriving.</summary>
[Collection(LoyaltyClockCollection.Name)]
[Trait("Category", "Integration")]
public sealed class LoyaltyTimeTests(LoyaltyClockFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private long _offset;

    [Fact]
    public async Task A_lot_reaches_its_reminder_dates_and_expires_with_no_events()
    {
        var customer = NewCustomer();
        var earnedAt = fixture.Clock.GetUtcNow();
        await ApplyAsync(customer, Purchase(customer.GetPrimaryKeyString(), "o-1", 100m, earnedAt));
        var expiresAt = earnedAt.AddMonths(12);

        var state = await StateAsync(customer);
        Assert.Equal(100, state.Loyalty.Balance);
        Assert.Equal(expiresAt.AddDays(-14), state.WakeUpAt);

        await AdvanceToAsync(customer, expiresAt.AddDays(-14));
        // Its SMS goes to the dispatcher, whose attempt suppresses it (no phone, no consent).
        state = await SettledAsync(customer);
        var first = Assert.Single(Reminders(state));
        Assert.Equal(("100", OutboxStatus.Suppressed), (first.Sms!.Data["points"], first.Status));
        // The wake-up looks again a minute after the hand-out, in case the dispatcher lost it,
        // then waits for the next reminder date.
        Assert.Equal(expiresAt.AddDays(-14).AddMinutes(1), state.WakeUpAt);
        await AdvanceToAsync(customer, expiresAt.AddDays(-14).AddMinutes(1));
        Assert.Equal(expiresAt.AddDays(-3), (await StateAsync(customer)).WakeUpAt);

        await AdvanceToAsync(customer, expiresAt.AddDays(-3));
        Assert.Equal(2, Reminders(await StateAsync(customer)).Count);

        await AdvanceToAsync(customer, expiresAt);
        state = await StateAsync(customer);
        Assert.Equal(0, state.Loyalty.Balance);
        Assert.Equal(100, state.Loyalty.Expired);
        Assert.Equal(2, Reminders(state).Count);
    }

    [Fact]
    public async Task Spending_the_points_withdraws_the_pending_reminder_and_no_later_one_is_made()
    {
        var customer = NewCustomer();
        var earnedAt = fixture.Clock.GetUtcNow();
        var id = customer.GetPrimaryKeyString();
        // Opted in, but it is 02:00 at home when the reminder falls due: the SMS waits for the morning.
        await ApplyAsync(customer, new CustomerProfileEvent
        {
            EventId = Guid.NewGuid().ToString(), CustomerId = id, OccurredAt = earnedAt, Phone = "+15555550142", TimeZone = "Pacific/Kiritimati",
            SmsConsent = new SmsConsent(ConsentStatus.OptedIn, "checkout", earnedAt),
        });
        await ApplyAsync(customer, Purchase(id, "o-1", 80m, earnedAt));
        await AdvanceToAsync(customer, earnedAt.AddMonths(12).AddDays(-14));
        // Deferred by the dispatcher's attempt, which the policy decides.
        var pending = Assert.Single(Reminders(await Eventually.Until(
            () => StateAsync(customer), s => Reminders(s) is [{ DueAt: { } due }] && due > fixture.Clock.GetUtcNow(), Patience, "the reminder SMS to be deferred out of quiet hours")));
        Assert.Equal(OutboxStatus.Pending, pending.Status);

        await ApplyAsync(customer, new PointsRedeemedEvent
        {
            EventId = Guid.NewGuid().ToString(), CustomerId = id, OccurredAt = fixture.Clock.GetUtcNow(), Points = 80,
        });
        var reminder = Assert.Single(Reminders(await StateAsync(customer)));
        Assert.Equal(OutboxStatus.Cancelled, reminder.Status);

        await AdvanceToAsync(customer, earnedAt.AddMonths(12).AddDays(-3));
        Assert.Single(Reminders(await StateAsync(customer)));
    }

    [Fact]
    public async Task A_downgrade_happens_only_after_requalification_and_grace_with_no_events()
    {
        var customer = NewCustomer();
        var upgradedAt = fixture.Clock.GetUtcNow();
        await ApplyAsync(customer, Purchase(customer.GetPrimaryKeyString(), "o-1", 600m, upgradedAt));
        var state = await StateAsync(customer);
        Assert.Equal("Silver", state.Loyalty.Tier);
        var requalifyAt = state.Loyalty.RequalifyAt!.Value;

        await AdvanceToAsync(customer, requalifyAt);
        state = await StateAsync(customer);
        Assert.Equal("Silver", state.Loyalty.Tier);
        Assert.Equal(requalifyAt.AddDays(30), state.Loyalty.DowngradeDueAt);

        await AdvanceToAsync(customer, requalifyAt.AddDays(30).AddMinutes(-1));
        Assert.Equal("Silver", (await StateAsync(customer)).Loyalty.Tier);

        await AdvanceToAsync(customer, requalifyAt.AddDays(30));
        state = await StateAsync(customer);
        Assert.Equal("Bronze", state.Loyalty.Tier);
        var downgrade = Assert.Single(state.Outbox.Messages, m => m.Kind == OutboxKind.TierChange && !m.TierChange!.IsUpgrade);
        Assert.Equal(("Silver", "Bronze", "requalification"), (downgrade.TierChange!.From, downgrade.TierChange.To, downgrade.TierChange.Reason));
        Assert.Single(state.Outbox.Messages, m => m.Kind == OutboxKind.Sms && m.Sms!.Trigger == "tier_downgrade");
    }

    private ICustomerGrain NewCustomer() => fixture.Client.GetGrain<ICustomerGrain>("clock-" + Guid.NewGuid().ToString("N")[..10]);

    private async Task AdvanceToAsync(ICustomerGrain customer, DateTimeOffset at)
    {
        fixture.Clock.SetUtcNow(at);
        await customer.AdvanceAsync();
    }

    private async Task ApplyAsync(ICustomerGrain customer, CustomerEvent e)
    {
        var report = await customer.ApplyAsync(new EventBatch([new SequencedEvent(e, new EventPosition("test/0", _offset++))]));
        Assert.Equal(1, report.Applied);
        // As the ingestion's checkpoint does: effects leave, and wake-ups are set, once durable.
        await customer.FlushAsync();
    }

    private static async Task<Engine.Domain.Customers.CustomerState> StateAsync(ICustomerGrain customer) => (await customer.GetViewAsync()).State;

    /// <summary>The state once the dispatcher has attempted every SMS handed out (none is left due and pending).</summary>
    private async Task<Engine.Domain.Customers.CustomerState> SettledAsync(ICustomerGrain customer) => await Eventually.Until(
        () => StateAsync(customer),
        s => !s.Outbox.Messages.Any(m => m.Kind == OutboxKind.Sms && m.Status is OutboxStatus.Pending or OutboxStatus.Sending && (m.DueAt ?? m.CreatedAt) <= fixture.Clock.GetUtcNow()),
        Patience,
        "the dispatcher to attempt the SMS handed out");

    private static List<OutboxMessage> Reminders(Engine.Domain.Customers.CustomerState state) =>
        [.. state.Outbox.Messages.Where(m => m.Kind == OutboxKind.Sms && m.Sms!.Trigger == "points_expiring")];

    private static PurchaseEvent Purchase(string customerId, string orderId, decimal amount, DateTimeOffset at) => new()
    {
        EventId = Guid.NewGuid().ToString(),
        CustomerId = customerId,
        OccurredAt = at,
        OrderId = orderId,
        Amount = amount,
        Currency = "USD",
        Items = [new PurchaseLine("SKU-1", null, 1, amount)],
    };
}

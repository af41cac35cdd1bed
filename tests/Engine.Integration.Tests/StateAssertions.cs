using Engine.Contracts;
using Engine.Domain.Events;

namespace Engine.Integration.Tests;

/// <summary>Compares a customer's live state with the oracle, naming the first difference.</summary>
public static class StateAssertions
{
    public static void Matches(string customerId, ExpectedCustomer expected, CustomerView view)
    {
        var state = view.State;
        var value = state.Value;
        var engagement = state.Engagement;
        Assert.True(expected.Events == state.EventsApplied, $"{customerId}: events applied {state.EventsApplied}, expected {expected.Events}");
        Assert.Equal(expected.LifetimeSpend, value.LifetimeSpend);
        Assert.Equal(expected.Orders, value.Orders);
        Assert.Equal(expected.FirstPurchaseAt, value.FirstPurchaseAt);
        Assert.Equal(expected.LastPurchaseAt, value.LastPurchaseAt);
        Assert.Equal(expected.PurchaseDays.Count, value.PurchaseDayCount);
        Assert.Equal(expected.Clicks.GetValueOrDefault("page_view"), engagement.PageViews);
        Assert.Equal(expected.Clicks.GetValueOrDefault("product_view"), engagement.ProductViews);
        Assert.Equal(expected.Clicks.GetValueOrDefault("add_to_cart"), engagement.AddToCarts);
        Assert.Equal(expected.Clicks.GetValueOrDefault("remove_from_cart"), engagement.RemoveFromCarts);
        Assert.Equal(expected.Clicks.GetValueOrDefault("checkout_started"), engagement.CheckoutsStarted);
        Assert.Equal(expected.Sessions.Count, engagement.Sessions);
        Assert.Equal(expected.LastSeenAt, engagement.LastSeenAt);
        Assert.Equal(
            expected.Cart.OrderBy(l => l.Key).Select(l => $"{l.Key}x{l.Value}"),
            state.Cart.Lines.OrderBy(l => l.Sku).Select(l => $"{l.Sku}x{l.Quantity}"));
        Assert.Equal(expected.Tier, state.Loyalty.Tier);
        Assert.Equal(expected.PointsEarned, state.Loyalty.Earned);
        Assert.Equal(expected.TierChanges, state.Outbox.Messages.Count(m => m.Kind == Engine.Domain.Effects.OutboxKind.TierChange));
        Assert.Equal(expected.FirstName, state.Profile.FirstName);
        Assert.Equal(expected.Phone, state.Profile.Phone);
        Assert.Equal(expected.TimeZone, state.Profile.TimeZone);
        Assert.Equal(expected.ConsentStatus, state.Profile.SmsConsent?.Status switch
        {
            ConsentStatus.OptedIn => "opted_in",
            ConsentStatus.OptedOut => "opted_out",
            _ => null,
        });
    }
}

using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Events;

namespace Engine.Client.Rendering;

/// <summary>
/// What the admin tool shows about a customer, in both the table and the JSON output. Built
/// from the grain's view; the phone is masked here so no output path can leak it.
/// </summary>
public sealed record CustomerReport(
    string CustomerId,
    DateTimeOffset AsOf,
    ProfileReport Profile,
    ValueReport Value,
    EngagementReport Engagement,
    CartReport Cart,
    ProcessingReport Processing)
{
    public static CustomerReport From(string customerId, CustomerView view)
    {
        var state = view.State;
        var profile = state.Profile;
        var value = state.Value;
        var engagement = state.Engagement;
        var cart = state.Cart;

        return new CustomerReport(
            customerId,
            view.AsOf,
            new ProfileReport(
                profile.FirstName,
                string.IsNullOrEmpty(profile.Phone) ? null : ContactRules.Mask(profile.Phone),
                profile.TimeZone,
                profile.Locale,
                profile.Birthday,
                new ConsentReport(
                    profile.SmsConsent?.Status ?? ConsentStatus.Unknown,
                    profile.SmsConsent?.Source,
                    profile.SmsConsent?.At)),
            new ValueReport(
                value.LifetimeSpend,
                value.Orders,
                value.AverageOrderValue,
                view.RollingSpend,
                value.FirstPurchaseAt,
                value.LastPurchaseAt,
                view.RecencyDays,
                value.Frequency,
                value.PurchaseDays.Count),
            new EngagementReport(
                new ClickCounts(
                    engagement.PageViews,
                    engagement.ProductViews,
                    engagement.AddToCarts,
                    engagement.RemoveFromCarts,
                    engagement.CheckoutsStarted,
                    engagement.Clicks),
                engagement.Sessions,
                engagement.LastSeenAt,
                Math.Round(view.EngagementScore, 2, MidpointRounding.AwayFromZero)),
            new CartReport(
                [.. cart.Lines.Select(l => new CartLineReport(l.Sku, l.Name, l.Quantity, l.UnitPrice, l.Quantity * l.UnitPrice))],
                cart.ItemCount,
                cart.CheckoutStartedAt is not null,
                cart.CheckoutStartedAt,
                cart.Value),
            new ProcessingReport(
                state.EventsApplied,
                new SortedDictionary<string, long>(state.Progress.Watermarks, StreamOrder.Instance),
                view.HasUnsavedChanges));
    }
}

// Phone is masked: only the last two digits are shown.
public sealed record ProfileReport(
    string? FirstName,
    string? Phone,
    string? TimeZone,
    string? Locale,
    DateOnly? Birthday,
    ConsentReport SmsConsent);

public sealed record ConsentReport(ConsentStatus Status, string? Source, DateTimeOffset? At);

// PurchaseDays counts distinct UTC days with a purchase; Frequency is the repeat days after the first.
public sealed record ValueReport(
    decimal LifetimeSpend,
    int Orders,
    decimal AverageOrderValue,
    decimal RollingSpend,
    DateTimeOffset? FirstPurchaseAt,
    DateTimeOffset? LastPurchaseAt,
    int? RecencyDays,
    int Frequency,
    int PurchaseDays);

// Score is decayed to the view's AsOf and rounded to two decimals.
public sealed record EngagementReport(ClickCounts Clicks, int Sessions, DateTimeOffset? LastSeenAt, double Score);

public sealed record ClickCounts(int PageViews, int ProductViews, int AddToCarts, int RemoveFromCarts, int CheckoutsStarted, int Total);

public sealed record CartReport(
    IReadOnlyList<CartLineReport> Lines,
    int ItemCount,
    bool CheckoutStarted,
    DateTimeOffset? CheckoutStartedAt,
    decimal Value);

public sealed record CartLineReport(string Sku, string? Name, int Quantity, decimal UnitPrice, decimal LineTotal);

// Watermarks: the highest applied offset per stream ("topic/partition"), sorted by stream.
public sealed record ProcessingReport(long EventsApplied, IReadOnlyDictionary<string, long> Watermarks, bool HasUnsavedChanges);

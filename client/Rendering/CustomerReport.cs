using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Loyalty;
using Engine.Domain.Value.Model;

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
    LoyaltyReport Loyalty,
    MessagesReport Messages,
    ProcessingReport Processing,
    ForecastReport? Forecast = null,
    IReadOnlyList<SegmentReport>? Segments = null)
{
    /// <summary>Outbox messages shown at most; the counts still cover them all.</summary>
    public const int MessageLimit = 20;

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
                value.PurchaseDayCount),
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
            LoyaltyOf(state.Loyalty, view.TierProgress, view.AsOf),
            MessagesOf(state.Outbox),
            new ProcessingReport(
                state.EventsApplied,
                new SortedDictionary<string, long>(state.Progress.Watermarks, StreamOrder.Instance),
                view.HasUnsavedChanges,
                state.WakeUpAt),
            view.Forecast is { } f
                ? new ForecastReport(Math.Round(f.ProbabilityAlive, 3), Math.Round(f.ExpectedPurchases, 2), decimal.Round((decimal)f.ExpectedValuePerPurchase, 2), f.PredictedLifetimeValue, f.ModelVersion,
                    view.Rfm?.ToString(), view.Rfm is { } rfm ? RfmGroups.Key(rfm.Group) : null, view.ClvPercentile)
                : null,
            [.. (view.Segments ?? []).Select(s => new SegmentReport(s.Segment, s.Why))]);
    }

    private static LoyaltyReport LoyaltyOf(LoyaltyAccount account, TierProgress? progress, DateTimeOffset asOf) => new(
        account.Tier,
        account.TierAttainedAt,
        account.RequalifyAt,
        account.DowngradeDueAt,
        account.Balance,
        account.AvailableAt(asOf),
        new PointsTotalsReport(
            account.Earned,
            account.Redeemed,
            account.Expired,
            account.Refunded,
            account.AdjustedIn,
            account.AdjustedOut,
            account.Shortfall),
        account.LastActivityAt,
        progress is null ? null : new TierProgressReport(
            progress.Tier,
            GapOf(progress.Next),
            progress.By,
            GapOf(progress.Keep),
            progress.KeepAsOf,
            progress.KeepFrom,
            progress.RollingSpend,
            progress.RollingOrders,
            progress.WindowDays,
            progress.Describe()),
        [.. LotsOf(account, asOf)]);

    private static TierGapReport? GapOf(TierGap? gap) =>
        gap is null ? null : new TierGapReport(gap.Tier, gap.SpendNeeded, gap.OrdersNeeded, gap.NeedsBoth, gap.IsMet);

    /// <summary>Live lots first, soonest expiry first; then spent and expired ones, newest first.</summary>
    private static IEnumerable<PointsLotReport> LotsOf(LoyaltyAccount account, DateTimeOffset asOf) =>
        account.Lots
            .Select(lot => new PointsLotReport(
                lot.LotId,
                lot.Source,
                lot.OrderId,
                StatusOf(lot, asOf),
                lot.Earned,
                lot.Remaining,
                lot.ExpiredPoints,
                lot.Reversed,
                lot.EarnedAt,
                lot.ExpiresAt))
            .OrderBy(lot => lot.Status == PointsLotStatus.Live ? 0 : 1)
            .ThenBy(lot => lot.Status == PointsLotStatus.Live ? lot.ExpiresAt.UtcTicks : -lot.ExpiresAt.UtcTicks)
            .ThenBy(lot => lot.LotId, StringComparer.Ordinal);

    private static PointsLotStatus StatusOf(PointsLot lot, DateTimeOffset asOf) =>
        lot.Remaining > 0 && lot.IsLiveAt(asOf) ? PointsLotStatus.Live
        : lot.Remaining > 0 || lot.ExpiredPoints > 0 ? PointsLotStatus.Expired
        : PointsLotStatus.Spent;

    /// <summary>Open messages first, oldest first (they are what is still to happen); then finished ones, newest first.</summary>
    private static MessagesReport MessagesOf(Outbox outbox)
    {
        var open = outbox.Messages.Where(m => m.IsOpen)
            .OrderBy(m => m.DueAt ?? m.CreatedAt)
            .ThenBy(m => m.Id, StringComparer.Ordinal);
        var finished = outbox.Messages.Where(m => !m.IsOpen)
            .OrderByDescending(m => m.CompletedAt ?? m.CreatedAt)
            .ThenBy(m => m.Id, StringComparer.Ordinal);
        return new MessagesReport(
            outbox.Messages.Count,
            outbox.Messages.Count(m => m.IsOpen),
            [.. open.Concat(finished).Take(MessageLimit).Select(MessageOf)]);
    }

    // The SMS data is left out: it is template input, and the place a phone number could end up.
    private static MessageReport MessageOf(OutboxMessage message) => new(
        message.Id,
        message.Kind,
        message.Status,
        message.Sms?.Trigger,
        message.TierChange?.From,
        message.TierChange?.To,
        message.TierChange?.Reason,
        message.CreatedAt,
        message.DueAt,
        message.CompletedAt,
        message.Detail);
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
/// <summary>The value model's view: P(alive), purchases expected and predicted lifetime value over the configured horizon.</summary>
public sealed record ForecastReport(double ProbabilityAlive, double ExpectedPurchases, decimal ExpectedValuePerPurchase, decimal PredictedLifetimeValue, int ModelVersion,
    string? Rfm = null, string? RfmGroup = null, int? ClvPercentile = null);

/// <summary>A segment the customer is in, and why.</summary>
public sealed record SegmentReport(string Segment, string Why);

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

// Balance counts lots not yet expired by the grain; Available leaves out those already past their expiry at AsOf.
public sealed record LoyaltyReport(
    string? Tier,
    DateTimeOffset? TierSince,
    DateTimeOffset? RequalifyAt,
    DateTimeOffset? DowngradeDueAt,
    long Balance,
    long Available,
    PointsTotalsReport Totals,
    DateTimeOffset? LastActivityAt,
    TierProgressReport? Progress,
    IReadOnlyList<PointsLotReport> Lots);

public sealed record PointsTotalsReport(long Earned, long Redeemed, long Expired, long Refunded, long AdjustedIn, long AdjustedOut, long Shortfall);

// Null when the silo does not report progress. By: the last UTC day the next-tier gap holds before
// the oldest spend leaves the window. Keep: the gap to the held tier as of KeepAsOf (its
// re-qualification or downgrade date), counting only spend that is still in the window then;
// KeepFrom: the first day whose spend counts then, when that is still ahead.
public sealed record TierProgressReport(
    string Tier,
    TierGapReport? Next,
    DateOnly? By,
    TierGapReport? Keep,
    DateTimeOffset? KeepAsOf,
    DateOnly? KeepFrom,
    decimal RollingSpend,
    int RollingOrders,
    int WindowDays,
    string Summary);

// Null amounts: the tier has no such criterion. NeedsBoth: spend AND orders, otherwise either.
public sealed record TierGapReport(string Tier, decimal? SpendNeeded, int? OrdersNeeded, bool NeedsBoth, bool Met);

public enum PointsLotStatus
{
    Live = 0,
    Spent = 1,
    Expired = 2,
}

public sealed record PointsLotReport(
    string LotId,
    PointsLotSource Source,
    string? OrderId,
    PointsLotStatus Status,
    long Earned,
    long Remaining,
    long ExpiredPoints,
    long Reversed,
    DateTimeOffset EarnedAt,
    DateTimeOffset ExpiresAt);

// Total and Open count the whole outbox; Items holds at most CustomerReport.MessageLimit of them.
public sealed record MessagesReport(int Total, int Open, IReadOnlyList<MessageReport> Items);

// An SMS carries its Trigger; a tier change its FromTier, ToTier and Reason.
public sealed record MessageReport(
    string Id,
    OutboxKind Kind,
    OutboxStatus Status,
    string? Trigger,
    string? FromTier,
    string? ToTier,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DueAt,
    DateTimeOffset? CompletedAt,
    string? Detail);

// Watermarks: the highest applied offset per stream ("topic/partition"), sorted by stream.
// WakeUpAt: when the grain's durable reminder next wakes it for time-driven work (null: none set).
public sealed record ProcessingReport(long EventsApplied, IReadOnlyDictionary<string, long> Watermarks, bool HasUnsavedChanges, DateTimeOffset? WakeUpAt);

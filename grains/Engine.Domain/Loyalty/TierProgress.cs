using System.Globalization;
using Engine.Domain.Customers;
using Engine.Domain.Value;

namespace Engine.Domain.Loyalty;

/// <summary>
/// Where a customer stands on the tier ladder at one instant: what is still missing to reach
/// the next tier, and to keep the tier held when it must be qualified for again. Computed
/// from the state and the configured ladder; nothing here is persisted.
/// </summary>
/// <param name="Tier">The tier held (the entry tier before the first loyalty event).</param>
/// <param name="Next">The gap to the tier above; null on the top tier.</param>
/// <param name="By">
/// The last UTC day on which <see cref="Next"/> is as stated: the day after it the oldest
/// qualifying spend or order in the window drops out and the gap grows. Null when nothing in
/// the window counts towards the next tier.
/// </param>
/// <param name="RequalifyAt">When the held tier must be qualified for again (from the account).</param>
/// <param name="DowngradeDueAt">Set when re-qualification failed: the tier is lowered then unless the customer qualifies again.</param>
/// <param name="Keep">
/// The gap to the held tier's own criteria as of <paramref name="KeepAsOf"/>, counting only the
/// spend and orders already made that will still be in the window then; null on the entry
/// tier, which needs none.
/// </param>
/// <param name="RollingSpend">Spend over the qualification window as of the instant.</param>
/// <param name="RollingOrders">Orders over the qualification window as of the instant.</param>
/// <param name="WindowDays">Length of the qualification window.</param>
/// <param name="KeepAsOf">When the held tier is next judged: the downgrade date if one is due, else the re-qualification date (never before the instant itself).</param>
/// <param name="KeepFrom">
/// The first UTC day whose spend still counts at <paramref name="KeepAsOf"/>, when that is
/// after the instant (a re-qualification period longer than the window); null otherwise.
/// </param>
[GenerateSerializer, Immutable, Alias("engine.TierProgress")]
public sealed record TierProgress(
    [property: Id(0)] string Tier,
    [property: Id(1)] TierGap? Next,
    [property: Id(2)] DateOnly? By,
    [property: Id(3)] DateTimeOffset? RequalifyAt,
    [property: Id(4)] DateTimeOffset? DowngradeDueAt,
    [property: Id(5)] TierGap? Keep,
    [property: Id(6)] decimal RollingSpend,
    [property: Id(7)] int RollingOrders,
    [property: Id(8)] int WindowDays,
    [property: Id(9)] DateTimeOffset? KeepAsOf,
    [property: Id(10)] DateOnly? KeepFrom)
{
    /// <summary>The tier above the one held, or null on the top tier.</summary>
    public string? NextTier => Next?.Tier;

    /// <summary>Spend still missing for the next tier (never negative); null when it has no spend criterion.</summary>
    public decimal? SpendNeeded => Next?.SpendNeeded;

    /// <summary>Orders still missing for the next tier (never negative); null when it has no order criterion.</summary>
    public int? OrdersNeeded => Next?.OrdersNeeded;

    /// <summary>
    /// The progress as of <paramref name="now"/>; null only for an empty ladder. A tier the
    /// ladder no longer has counts from where the figures place the customer, as the next
    /// evaluation will.
    /// </summary>
    public static TierProgress? For(CustomerState state, DateTimeOffset now, CustomerRules rules)
    {
        var ladder = rules.Loyalty;
        if (ladder.Tiers.Count == 0)
        {
            return null;
        }

        var window = ladder.QualificationWindowDays;
        var spend = state.Value.RollingSpend(now, window);
        var orders = state.Value.RollingOrders(now, window);
        var account = state.Loyalty;
        var held = account.Tier is null ? 0 : ladder.IndexOfTier(account.Tier);
        var from = held >= 0 ? held : TierLadder.QualifyIndex(spend, orders, ladder);
        var next = from + 1 < ladder.Tiers.Count ? ladder.Tiers[from + 1] : null;

        // The held tier is judged at its deadline; by then older spend may have left the window
        // (with the defaults, the purchase that reached the tier always has).
        TierGap? keep = null;
        DateTimeOffset? keepAsOf = null;
        DateOnly? keepFrom = null;
        if (held > 0)
        {
            var deadline = account.DowngradeDueAt ?? account.RequalifyAt ?? now;
            keepAsOf = deadline > now ? deadline : now;
            keep = TierGap.Of(ladder.Tiers[held], state.Value.RollingSpend(keepAsOf.Value, window), state.Value.RollingOrders(keepAsOf.Value, window));
            var firstDay = CustomerValue.DayNumber(keepAsOf.Value) - window + 1;
            keepFrom = firstDay > CustomerValue.DayNumber(now) ? DateOnly.FromDayNumber(firstDay) : null;
        }

        return new TierProgress(
            account.Tier ?? ladder.Tiers[0].Name,
            next is null ? null : TierGap.Of(next, spend, orders),
            next is null ? null : LastDayBeforeDropOut(state.Value, next, now, window),
            account.RequalifyAt,
            account.DowngradeDueAt,
            keep,
            spend,
            orders,
            window,
            keepAsOf,
            keepFrom);
    }

    /// <summary>
    /// One line for people: "spend 230.00 more by 2027-03-01 to reach Gold", "Platinum: top
    /// tier", and when the held tier is at risk what keeping it takes.
    /// </summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Next is null)
        {
            parts.Add($"{Tier}: top tier");
        }
        else if (Next.IsMet)
        {
            parts.Add($"qualifies for {Next.Tier} (applied at the next evaluation)");
        }
        else
        {
            var by = By is { } day ? " by " + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
            parts.Add($"{Next.Describe()}{by} to reach {Next.Tier}");
        }

        if (Keep is not null && DowngradeDueAt is { } due)
        {
            parts.Add(Keep.IsMet
                ? $"qualifies for {Tier} again (the downgrade due {Moment(due)} is cancelled at the next evaluation)"
                : $"{Keep.Describe()} before {Moment(due)}{WindowOpening()} to keep {Tier}");
        }
        else if (Keep is { IsMet: false } && RequalifyAt is { } requalify)
        {
            parts.Add($"{Keep.Describe()} before {Moment(requalify)}{WindowOpening()} to re-qualify for {Tier}");
        }

        return string.Join("; ", parts);
    }

    private string WindowOpening() =>
        KeepFrom is { } from ? " (on or after " + from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ")" : "";

    /// <summary>
    /// The oldest day in the window with spend or an order that counts towards
    /// <paramref name="tier"/>, plus the window, less one: the last day it still counts.
    /// </summary>
    private static DateOnly? LastDayBeforeDropOut(CustomerValue value, TierDefinition tier, DateTimeOffset now, int window)
    {
        var lastDay = CustomerValue.DayNumber(now);
        var firstDay = lastDay - window + 1;
        int? oldest = null;
        foreach (var entry in value.DailySpend)
        {
            var counts = (tier.MinRollingSpend is not null && entry.Amount > 0) || (tier.MinOrders is not null && entry.Orders > 0);
            if (counts && entry.Day >= firstDay && entry.Day <= lastDay && (oldest is null || entry.Day < oldest))
            {
                oldest = entry.Day;
            }
        }

        return oldest is { } day ? DateOnly.FromDayNumber(day + window - 1) : null;
    }

    private static string Moment(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

/// <summary>What is still missing to meet one tier's criteria.</summary>
/// <param name="Tier">The tier's name.</param>
/// <param name="SpendNeeded">Spend still missing (never negative); null when the tier has no spend criterion.</param>
/// <param name="OrdersNeeded">Orders still missing (never negative); null when the tier has no order criterion.</param>
/// <param name="NeedsBoth">True when the tier has both criteria and requires both; otherwise either one meets it.</param>
[GenerateSerializer, Immutable, Alias("engine.TierGap")]
public sealed record TierGap(
    [property: Id(0)] string Tier,
    [property: Id(1)] decimal? SpendNeeded,
    [property: Id(2)] int? OrdersNeeded,
    [property: Id(3)] bool NeedsBoth)
{
    /// <summary>True when the figures already meet the tier.</summary>
    public bool IsMet => (SpendNeeded, OrdersNeeded) switch
    {
        (null, null) => true,
        ({ } spend, null) => spend == 0,
        (null, { } orders) => orders == 0,
        ({ } spend, { } orders) => NeedsBoth ? spend == 0 && orders == 0 : spend == 0 || orders == 0,
    };

    public static TierGap Of(TierDefinition tier, decimal rollingSpend, int rollingOrders) => new(
        tier.Name,
        tier.MinRollingSpend is { } minSpend ? Math.Max(0m, minSpend - rollingSpend) : null,
        tier.MinOrders is { } minOrders ? Math.Max(0, minOrders - rollingOrders) : null,
        tier.RequireBoth && tier.MinRollingSpend is not null && tier.MinOrders is not null);

    /// <summary>"spend 230.00 more", "2 more orders", "spend 230.00 and 2 more orders", "spend 230.00 or 2 more orders"; empty when met.</summary>
    public string Describe()
    {
        if (IsMet)
        {
            return "";
        }

        // Rounded up to the cent, so spending the amount shown is always enough.
        var spend = SpendNeeded is > 0 ? decimal.Ceiling(SpendNeeded.Value * 100m) / 100m : (decimal?)null;
        var orders = OrdersNeeded is > 0 ? OrdersNeeded : null;
        var money = spend?.ToString("0.00", CultureInfo.InvariantCulture);
        var count = orders is { } n ? string.Create(CultureInfo.InvariantCulture, $"{n} more {(n == 1 ? "order" : "orders")}") : null;
        return (money, count) switch
        {
            ({ } m, { } c) => $"spend {m} {(NeedsBoth ? "and" : "or")} {c}",
            ({ } m, null) => $"spend {m} more",
            (null, { } c) => c,
            _ => "",
        };
    }
}

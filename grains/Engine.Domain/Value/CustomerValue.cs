using Engine.Domain.Events;

namespace Engine.Domain.Value;

/// <summary>
/// What a customer is worth so far: lifetime and rolling spend, orders and purchase days.
/// Every figure here is independent of the order in which purchases arrive, because
/// purchases and clicks come from different topics with no order between them.
/// </summary>
[GenerateSerializer, Alias("engine.CustomerValue")]
public sealed class CustomerValue
{
    /// <summary>How many order ids are remembered to refuse an order sent twice under new event ids.</summary>
    public const int RecentOrderCapacity = 64;

    [Id(0)] public decimal LifetimeSpend { get; set; }
    [Id(1)] public int Orders { get; set; }
    [Id(2)] public DateTimeOffset? FirstPurchaseAt { get; set; }
    [Id(3)] public DateTimeOffset? LastPurchaseAt { get; set; }

    /// <summary>
    /// Spend per UTC day inside the rolling window, ascending by day: the compact form of
    /// rolling spend (at most one entry per purchase day in the window).
    /// </summary>
    public List<DailySpend> DailySpend
    {
        get => _dailySpend;
        set => _dailySpend = value;
    }

    /// <summary>
    /// Distinct UTC days with a purchase (day numbers, ascending) within
    /// <see cref="PurchaseDayWindow"/> of the newest; older ones are only counted, in
    /// <see cref="EarlierPurchaseDays"/>, so the state stays bounded however long the customer lives.
    /// </summary>
    public List<int> PurchaseDays
    {
        get => _purchaseDays;
        set => _purchaseDays = value;
    }

    /// <summary>Distinct purchase days older than those kept in <see cref="PurchaseDays"/>.</summary>
    [Id(8)] public int EarlierPurchaseDays { get; set; }

    /// <summary>Purchase days kept one by one, counted back from the newest (a late purchase within it is still told apart).</summary>
    public const int PurchaseDayWindow = 400;

    /// <summary>Distinct UTC days with a purchase, over the customer's whole life.</summary>
    public int PurchaseDayCount => EarlierPurchaseDays + PurchaseDays.Count;

    /// <summary>
    /// Order ids remembered before <see cref="RecentOrders"/> existed, oldest first. Only read
    /// (and aged out as new orders arrive), so state written before refunds keeps refusing
    /// duplicate orders.
    /// </summary>
    [Id(6)] public List<string> RecentOrderIds { get; set; } = [];

    /// <summary>Most recent orders with their amounts and what was refunded, oldest first.</summary>
    public List<OrderRecord> RecentOrders
    {
        get => _recentOrders;
        set => _recentOrders = value;
    }

    [NonSerialized] private List<DailySpend> _dailySpend = [];
    [NonSerialized] private List<int> _purchaseDays = [];
    [NonSerialized] private List<OrderRecord> _recentOrders = [];

    // Rows written before the packed forms hold these lists as objects (Ids 4, 5, 7): read, never written again.
    [Id(4)]
    internal List<DailySpend>? LegacyDailySpend
    {
        get => null;
        set => _dailySpend = value is { Count: > 0 } ? value : _dailySpend;
    }

    [Id(5)]
    internal List<int>? LegacyPurchaseDays
    {
        get => null;
        set => _purchaseDays = value is { Count: > 0 } ? value : _purchaseDays;
    }

    [Id(7)]
    internal List<OrderRecord>? LegacyRecentOrders
    {
        get => null;
        set => _recentOrders = value is { Count: > 0 } ? value : _recentOrders;
    }

    [Id(9)]
    internal byte[] PackedDailySpend
    {
        get => ValueEncoding.PackDailySpend(_dailySpend);
        set => _dailySpend = ValueEncoding.UnpackDailySpend(value);
    }

    [Id(10)]
    internal byte[] PackedPurchaseDays
    {
        get => ValueEncoding.PackDays(_purchaseDays);
        set => _purchaseDays = ValueEncoding.UnpackDays(value);
    }

    [Id(11)]
    internal byte[] PackedRecentOrders
    {
        get => ValueEncoding.PackOrders(_recentOrders);
        set => _recentOrders = ValueEncoding.UnpackOrders(value);
    }

    /// <summary>Average order value in the base currency.</summary>
    public decimal AverageOrderValue => Orders == 0 ? 0m : decimal.Round(LifetimeSpend / Orders, 2, MidpointRounding.ToEven);

    /// <summary>Repeat purchase days: distinct purchase days after the first (the RFM/BG-NBD "frequency").</summary>
    public int Frequency => Math.Max(0, PurchaseDayCount - 1);

    public bool HasOrder(string orderId) =>
        FindOrder(orderId) is not null || RecentOrderIds.Contains(orderId, StringComparer.Ordinal);

    /// <summary>A remembered order, or null when it is unknown or too old to be remembered.</summary>
    public OrderRecord? FindOrder(string orderId) =>
        RecentOrders.FindLast(o => string.Equals(o.OrderId, orderId, StringComparison.Ordinal));

    /// <summary>
    /// Spend on the first purchase day, in the base currency, net of refunds: the value model's
    /// mean repeat value is the rest of lifetime spend over the repeat days. State written before
    /// this field reads 0, so such a customer's first day counts as a repeat until a purchase
    /// arrives that is earlier than every other.
    /// </summary>
    [Id(12)] public decimal FirstDaySpend { get; set; }

    /// <summary>
    /// The value model's summary of this customer in days (x repeat purchase days, the last tₓ
    /// days after the first, observed for T days until <paramref name="asOf"/>), or null before
    /// the first purchase. O(1): from the totals, not from history.
    /// </summary>
    public Model.PurchaseSummary? SummaryAt(DateTimeOffset asOf)
    {
        if (FirstPurchaseAt is not { } first || LastPurchaseAt is not { } last)
        {
            return null;
        }

        var firstDay = DayNumber(first);
        var repeats = Frequency;
        var age = Math.Max(DayNumber(last), DayNumber(asOf)) - firstDay;
        var repeatValue = repeats == 0 ? 0 : (double)Math.Max(0m, LifetimeSpend - FirstDaySpend) / repeats;
        return new Model.PurchaseSummary(repeats, repeats == 0 ? 0 : DayNumber(last) - firstDay, age, repeatValue);
    }

    /// <summary>Records a purchase whose amount is already in the base currency.</summary>
    public void RecordPurchase(PurchaseEvent purchase, decimal amountInBase, int rollingWindowDays)
    {
        var day0 = DayNumber(purchase.OccurredAt);
        if (FirstPurchaseAt is not { } firstBefore || day0 < DayNumber(firstBefore))
        {
            FirstDaySpend = amountInBase;
        }
        else if (day0 == DayNumber(firstBefore))
        {
            FirstDaySpend += amountInBase;
        }

        LifetimeSpend += amountInBase;
        Orders++;
        FirstPurchaseAt = FirstPurchaseAt is { } first && first <= purchase.OccurredAt ? first : purchase.OccurredAt;
        LastPurchaseAt = LastPurchaseAt is { } last && last >= purchase.OccurredAt ? last : purchase.OccurredAt;

        var day = DayNumber(purchase.OccurredAt);
        RecordPurchaseDay(day);
        AddDailySpend(day, amountInBase, rollingWindowDays);

        // One ring of RecentOrderCapacity over both lists; the legacy ids are the oldest.
        if (RecentOrderIds.Count + RecentOrders.Count >= RecentOrderCapacity)
        {
            if (RecentOrderIds.Count > 0)
            {
                RecentOrderIds.RemoveAt(0);
            }
            else
            {
                RecentOrders.RemoveAt(0);
            }
        }

        RecentOrders.Add(new OrderRecord(purchase.OrderId, purchase.Amount, purchase.Currency, amountInBase, purchase.OccurredAt));
    }

    /// <summary>
    /// Records that an order was refunded up to the given totals (cumulative, in the order's
    /// currency and in the base currency) and takes the newly refunded base amount off
    /// lifetime spend and off the spend of the order's day, if that day is still in the
    /// window. The order count stays: the order happened, and frequency and recency are about
    /// visits, not money. Returns the newly refunded base amount.
    /// </summary>
    public decimal RecordRefund(string orderId, decimal refundedTotal, decimal refundedTotalInBase)
    {
        var index = RecentOrders.FindLastIndex(o => string.Equals(o.OrderId, orderId, StringComparison.Ordinal));
        if (index < 0)
        {
            return 0m;
        }

        var order = RecentOrders[index];
        var delta = refundedTotalInBase - order.RefundedInBase;
        RecentOrders[index] = order with { Refunded = refundedTotal, RefundedInBase = refundedTotalInBase };
        LifetimeSpend -= delta;
        if (FirstPurchaseAt is { } first && DayNumber(order.At) == DayNumber(first))
        {
            FirstDaySpend = Math.Max(0m, FirstDaySpend - delta);
        }

        var day = DailySpend.FindIndex(d => d.Day == DayNumber(order.At));
        if (day >= 0)
        {
            DailySpend[day] = DailySpend[day] with { Amount = Math.Max(0m, DailySpend[day].Amount - delta) };
        }

        return delta;
    }

    /// <summary>Spend in the window of <paramref name="windowDays"/> days ending on the day of <paramref name="asOf"/>.</summary>
    public decimal RollingSpend(DateTimeOffset asOf, int windowDays)
    {
        var lastDay = DayNumber(asOf);
        var firstDay = lastDay - windowDays + 1;
        decimal total = 0;
        foreach (var entry in DailySpend)
        {
            if (entry.Day >= firstDay && entry.Day <= lastDay)
            {
                total += entry.Amount;
            }
        }

        return total;
    }

    /// <summary>Orders in the window of <paramref name="windowDays"/> days ending on the day of <paramref name="asOf"/> (refunded ones included).</summary>
    public int RollingOrders(DateTimeOffset asOf, int windowDays)
    {
        var lastDay = DayNumber(asOf);
        var firstDay = lastDay - windowDays + 1;
        var total = 0;
        foreach (var entry in DailySpend)
        {
            if (entry.Day >= firstDay && entry.Day <= lastDay)
            {
                total += entry.Orders;
            }
        }

        return total;
    }

    /// <summary>Whole days since the last purchase, or null before the first.</summary>
    public int? RecencyDays(DateTimeOffset asOf) =>
        LastPurchaseAt is { } last ? Math.Max(0, DayNumber(asOf) - DayNumber(last)) : null;

    public static int DayNumber(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime).DayNumber;

    private void AddDailySpend(int day, decimal amount, int windowDays)
    {
        // The window is anchored on the newest purchase day seen, so pruning gives the same
        // result whatever order purchases arrive in.
        var newestDay = Math.Max(day, DailySpend.Count > 0 ? DailySpend[^1].Day : day);
        var oldestKept = newestDay - windowDays + 1;
        if (day >= oldestKept)
        {
            var index = DailySpend.FindIndex(d => d.Day >= day);
            if (index >= 0 && DailySpend[index].Day == day)
            {
                DailySpend[index] = DailySpend[index] with { Amount = DailySpend[index].Amount + amount, Orders = DailySpend[index].Orders + 1 };
            }
            else
            {
                DailySpend.Insert(index < 0 ? DailySpend.Count : index, new DailySpend(day, amount) { Orders = 1 });
            }
        }

        DailySpend.RemoveAll(d => d.Day < oldestKept);
    }

    private void RecordPurchaseDay(int day)
    {
        var oldestKept = Math.Max(day, PurchaseDays.Count > 0 ? PurchaseDays[^1] : day) - PurchaseDayWindow + 1;
        if (day < oldestKept)
        {
            // More than the window late: whether that day was counted is no longer known; it
            // counts as a new one (docs/architecture.md, "State size").
            EarlierPurchaseDays++;
            return;
        }

        var index = PurchaseDays.BinarySearch(day);
        if (index < 0)
        {
            PurchaseDays.Insert(~index, day);
        }

        var expired = PurchaseDays.FindIndex(d => d >= oldestKept);
        if (expired > 0)
        {
            EarlierPurchaseDays += expired;
            PurchaseDays.RemoveRange(0, expired);
        }
    }
}

/// <summary>Spend and orders on one UTC day (a <see cref="DateOnly.DayNumber"/>).</summary>
[GenerateSerializer, Immutable, Alias("engine.DailySpend")]
public readonly record struct DailySpend(
    [property: Id(0)] int Day,
    [property: Id(1)] decimal Amount)
{
    /// <summary>Orders placed that day (0 in entries written before orders were counted per day).</summary>
    [Id(2)] public int Orders { get; init; }
}

/// <summary>
/// An order as remembered for duplicate detection and refunds: what was paid and what was
/// refunded so far, both in the order's currency and in the base currency.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.OrderRecord")]
public sealed record OrderRecord(
    [property: Id(0)] string OrderId,
    [property: Id(1)] decimal Amount,
    [property: Id(2)] string Currency,
    [property: Id(3)] decimal AmountInBase,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] decimal Refunded = 0m,
    [property: Id(6)] decimal RefundedInBase = 0m);

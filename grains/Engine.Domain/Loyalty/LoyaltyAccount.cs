using System.Globalization;

namespace Engine.Domain.Loyalty;

/// <summary>
/// A customer's points and tier. Points are kept as lots, each with its own expiry, so
/// redemptions can spend the soonest-expiring points first and a refund can find the points
/// of its order. Persisted inside the customer state: field ids are permanent.
/// </summary>
/// <remarks>
/// Every method takes the instant it acts at; nothing here reads a clock. The totals satisfy
/// <c>Balance = Earned − Redeemed − Expired − Refunded + AdjustedIn − AdjustedOut</c> and the
/// balance never goes below zero: what a refund cannot take back is recorded as
/// <see cref="Shortfall"/>.
/// </remarks>
[GenerateSerializer, Alias("engine.LoyaltyAccount")]
public sealed partial class LoyaltyAccount
{
    /// <summary>The lot id of expiry reminders in rolling mode, where one reminder covers the whole balance.</summary>
    public const string RollingLotId = "all";

    /// <summary>Fully spent purchase lots kept so a late refund of their order can still reverse the points spent.</summary>
    public const int SpentLotCapacity = 64;

    /// <summary>Upper bound of the points one event can earn; keeps the totals far from overflow.</summary>
    public const long MaxPointsPerEvent = 1_000_000_000_000;

    /// <summary>The lots, oldest first. Stored packed (<see cref="PointsLotEncoding"/>), not as objects.</summary>
    public List<PointsLot> Lots
    {
        get => _lots;
        set => _lots = value;
    }

    [NonSerialized]
    private List<PointsLot> _lots = [];

    // Rows written before the packed form hold the lots as objects here: read, never written again.
    [Id(0)]
    internal List<PointsLot>? LegacyLots
    {
        get => null;
        set
        {
            if (value is { Count: > 0 })
            {
                Lots = value;
            }
        }
    }

    [Id(14)]
    internal byte[] PackedLots
    {
        get => PointsLotEncoding.Pack(Lots);
        set => Lots = PointsLotEncoding.Unpack(value);
    }
    /// <summary>The tier held, or null before the first loyalty event.</summary>
    [Id(1)] public string? Tier { get; set; }
    [Id(2)] public DateTimeOffset? TierAttainedAt { get; set; }
    /// <summary>When the held tier must be qualified for again; null on the entry tier, which never needs it.</summary>
    [Id(3)] public DateTimeOffset? RequalifyAt { get; set; }
    /// <summary>Set when re-qualification failed: the tier is held until then (the grace period), then lowered.</summary>
    [Id(4)] public DateTimeOffset? DowngradeDueAt { get; set; }
    /// <summary>Points earned by purchases.</summary>
    [Id(5)] public long Earned { get; set; }
    [Id(6)] public long Redeemed { get; set; }
    [Id(7)] public long Expired { get; set; }
    /// <summary>Points taken back from the balance by refunds.</summary>
    [Id(8)] public long Refunded { get; set; }
    [Id(9)] public long AdjustedIn { get; set; }
    [Id(10)] public long AdjustedOut { get; set; }
    /// <summary>Points refunds should have taken back but the balance could not cover (already spent).</summary>
    [Id(11)] public long Shortfall { get; set; }
    /// <summary>The newest purchase, redemption or grant: rolling expiry counts inactivity from here.</summary>
    [Id(12)] public DateTimeOffset? LastActivityAt { get; set; }
    /// <summary>Expiry reminders already produced, as "{lotId}:{days}".</summary>
    [Id(13)] public List<string> SentReminders { get; set; } = [];

    /// <summary>Points held: lots not yet expired by <see cref="ExpireDue"/>.</summary>
    public long Balance => Lots.Sum(l => l.Remaining);

    /// <summary>Points spendable at <paramref name="at"/>: a lot past its expiry no longer counts even before <see cref="ExpireDue"/> ran.</summary>
    public long AvailableAt(DateTimeOffset at) => Lots.Where(l => l.IsLiveAt(at)).Sum(l => l.Remaining);

    /// <summary>Whole points for an amount: amount × points per unit × multiplier, floored.</summary>
    public static long PointsFor(decimal amountInBase, decimal multiplier, LoyaltyRules rules)
    {
        if (amountInBase <= 0 || rules.PointsPerUnit <= 0 || multiplier <= 0)
        {
            return 0;
        }

        try
        {
            var points = decimal.Floor(amountInBase * rules.PointsPerUnit * multiplier);
            return points >= MaxPointsPerEvent ? MaxPointsPerEvent : (long)points;
        }
        catch (OverflowException)
        {
            return MaxPointsPerEvent;
        }
    }

    /// <summary>
    /// Earns the points of a purchase at the multiplier of the tier held before it: an
    /// upgrade this purchase causes applies from the next one (the caller evaluates the
    /// ladder after earning). Returns the points earned; no lot is made for zero points.
    /// </summary>
    public long EarnForPurchase(string orderId, decimal amountInBase, DateTimeOffset at, LoyaltyRules rules)
    {
        var points = PointsFor(amountInBase, rules.MultiplierOf(Tier), rules);
        Touch(at, rules);
        if (points > 0)
        {
            AddLot(NewLotId("order:" + orderId), PointsLotSource.Purchase, orderId, points, at, rules);
            Earned += points;
        }

        Prune();
        return points;
    }

    /// <summary>
    /// Spends points, soonest-expiring first (then oldest, then by lot id). Refuses, changing
    /// nothing, when more is asked than is available at <paramref name="at"/>.
    /// </summary>
    public bool Redeem(long points, DateTimeOffset at, LoyaltyRules rules)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 1);
        if (points > AvailableAt(at))
        {
            return false;
        }

        Take(points, at, except: null);
        Redeemed += points;
        Touch(at, rules);
        Prune();
        return true;
    }

    /// <summary>
    /// Reverses the points of a refunded order in proportion to the share of the order refunded
    /// so far (partial refunds add up; never more than the lot earned). The points come from
    /// the order's own lot first; what of it was already spent is taken from the other lots,
    /// soonest-expiring first; what the balance cannot cover is added to <see cref="Shortfall"/>.
    /// Points of the lot that already expired are not taken again.
    /// <paramref name="refundedInBase"/> is this refund and <paramref name="orderAmountInBase"/>
    /// the whole order, both in the base currency.
    /// </summary>
    public PointsReversal RefundOrder(string orderId, decimal refundedInBase, decimal orderAmountInBase, DateTimeOffset at)
    {
        var lot = Lots.LastOrDefault(l => l.Source == PointsLotSource.Purchase && string.Equals(l.OrderId, orderId, StringComparison.Ordinal));
        if (lot is null || refundedInBase <= 0)
        {
            return default;
        }

        lot.RefundedInBase += refundedInBase;
        // The target is recomputed from the cumulative refund so rounding never drifts over several partial refunds.
        var target = orderAmountInBase <= 0 || lot.RefundedInBase >= orderAmountInBase
            ? lot.Earned
            : ShareOf(lot.Earned, lot.RefundedInBase, orderAmountInBase);
        var live = lot.IsLiveAt(at);
        var lost = lot.ExpiredPoints + (live ? 0 : lot.Remaining);
        var reverse = Math.Max(0, Math.Min(target, lot.Earned - lost) - lot.Reversed);
        if (reverse == 0)
        {
            return default;
        }

        lot.Reversed += reverse;
        var fromLot = live ? Math.Min(reverse, lot.Remaining) : 0;
        lot.Remaining -= fromLot;
        var fromOthers = Take(reverse - fromLot, at, except: lot);
        var reversal = new PointsReversal(fromLot + fromOthers, reverse - fromLot - fromOthers);
        Refunded += reversal.Taken;
        Shortfall += reversal.Shortfall;
        Prune();
        return reversal;
    }

    /// <summary>floor(points × part / whole), multiplying first so that a third of 300 is 100, not 99.</summary>
    private static long ShareOf(long points, decimal part, decimal whole)
    {
        try
        {
            return (long)decimal.Floor(points * part / whole);
        }
        catch (OverflowException)
        {
            return (long)decimal.Floor(points * (part / whole));
        }
    }

    /// <summary>
    /// A manual grant (positive: a new lot, expiring by the rules, counted as activity) or
    /// removal (negative: taken soonest-expiring first). A removal larger than the points
    /// available is refused, changing nothing.
    /// </summary>
    public bool Adjust(string adjustmentId, long delta, DateTimeOffset at, LoyaltyRules rules)
    {
        if (delta == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), "an adjustment must not be zero");
        }

        if (delta > 0)
        {
            var points = Math.Min(delta, MaxPointsPerEvent);
            Touch(at, rules);
            AddLot(NewLotId("adjust:" + adjustmentId), PointsLotSource.Adjustment, null, points, at, rules);
            AdjustedIn += points;
        }
        else
        {
            var points = -delta;
            if (points > AvailableAt(at))
            {
                return false;
            }

            Take(points, at, except: null);
            AdjustedOut += points;
        }

        Prune();
        return true;
    }

    /// <summary>Marks activity; in rolling mode moves every live lot's expiry on (a lot already past its expiry stays expired).</summary>
    private void Touch(DateTimeOffset at, LoyaltyRules rules)
    {
        LastActivityAt = LastActivityAt is { } last && last >= at ? last : at;
        if (rules.Expiry != PointsExpiryMode.RollingInactivity)
        {
            return;
        }

        var expiresAt = rules.ExpiryFrom(LastActivityAt.Value);
        foreach (var lot in Lots.Where(l => l.IsLiveAt(at) && l.ExpiresAt < expiresAt))
        {
            lot.ExpiresAt = expiresAt;
        }
    }

    private void AddLot(string lotId, PointsLotSource source, string? orderId, long points, DateTimeOffset at, LoyaltyRules rules)
    {
        var expiresAt = rules.Expiry == PointsExpiryMode.RollingInactivity
            ? rules.ExpiryFrom(LastActivityAt is { } last && last > at ? last : at)
            : rules.ExpiryFrom(at);
        Lots.Add(new PointsLot
        {
            LotId = lotId,
            Source = source,
            OrderId = orderId,
            Earned = points,
            Remaining = points,
            EarnedAt = at,
            ExpiresAt = expiresAt,
        });
    }

    /// <summary>Takes up to <paramref name="points"/> from the lots live at <paramref name="at"/>, soonest-expiring first; returns what it took.</summary>
    private long Take(long points, DateTimeOffset at, PointsLot? except)
    {
        var left = points;
        foreach (var lot in Lots
            .Where(l => l != except && l.Remaining > 0 && l.IsLiveAt(at))
            .OrderBy(l => l.ExpiresAt)
            .ThenBy(l => l.EarnedAt)
            .ThenBy(l => l.LotId, StringComparer.Ordinal))
        {
            if (left == 0)
            {
                break;
            }

            var taken = Math.Min(left, lot.Remaining);
            lot.Remaining -= taken;
            left -= taken;
        }

        return points - left;
    }

    private string NewLotId(string baseId)
    {
        // An id can come back (an order beyond the duplicate-order memory, an event id reused):
        // a suffix keeps lot ids unique.
        var id = baseId;
        for (var n = 2; Lots.Exists(l => string.Equals(l.LotId, id, StringComparison.Ordinal)); n++)
        {
            id = string.Concat(baseId, "#", n.ToString(CultureInfo.InvariantCulture));
        }

        return id;
    }

    /// <summary>
    /// Drops the fully spent lots of orders that can no longer be refunded (the customer no
    /// longer remembers them, so a refund of them is refused): they were kept only to reverse
    /// spent points on a refund.
    /// </summary>
    public void ForgetSpentLots(Func<string, bool> isRefundable) =>
        Lots.RemoveAll(l => l.Remaining == 0 && l.Source == PointsLotSource.Purchase && (l.OrderId is null || !isRefundable(l.OrderId)));

    /// <summary>Drops lots that can no longer matter, and the reminder marks of lots with nothing left to remind of.</summary>
    private void Prune()
    {
        Lots.RemoveAll(l => l.Remaining == 0 && l.Source == PointsLotSource.Adjustment);
        var spent = Lots.Where(l => l.Remaining == 0)
            .OrderByDescending(l => l.EarnedAt)
            .ThenByDescending(l => l.LotId, StringComparer.Ordinal)
            .Skip(SpentLotCapacity)
            .ToHashSet();
        if (spent.Count > 0)
        {
            Lots.RemoveAll(spent.Contains);
        }

        if (SentReminders.Count == 0)
        {
            return;
        }

        var subjects = new HashSet<string>(StringComparer.Ordinal);
        foreach (var lot in Lots.Where(l => l.Remaining > 0))
        {
            subjects.Add(lot.LotId);
            subjects.Add(RollingKey(lot.ExpiresAt.UtcTicks));
        }

        SentReminders.RemoveAll(key => key.LastIndexOf(':') is var colon && (colon < 0 || !subjects.Contains(key[..colon])));
    }
}

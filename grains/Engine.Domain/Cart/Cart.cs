using Engine.Domain.Events;

namespace Engine.Domain.Cart;

/// <summary>
/// What the customer has put in the basket and not bought yet. Clicks and purchases come
/// from different topics, so the cart decides by occurredAt: a purchase clears the lines it
/// bought that were last changed before it (and only the bought units of a line changed
/// after it), and an add that happened before the customer bought that product (but
/// arrived late) is ignored.
/// </summary>
[GenerateSerializer, Alias("engine.Cart")]
public sealed class Cart
{
    /// <summary>Products remembered as bought, to ignore late adds of them (about 35 bytes each serialized).</summary>
    public const int RecentPurchaseCapacity = 32;

    /// <summary>
    /// A bought product is forgotten once the cart has changed this long after its purchase.
    /// Clicks of one customer arrive in their own order, so by then every add older than the
    /// purchase has arrived, however far the clicks topic lags the purchases topic (a backlog);
    /// only an add out of order within the clicks by more than this is re-added.
    /// </summary>
    public static readonly TimeSpan LateAddTolerance = TimeSpan.FromDays(2);

    /// <summary>
    /// Most lines kept (about 50 bytes each serialized): a new product beyond them replaces the
    /// line changed longest ago. The SMS shows the top lines by value only.
    /// </summary>
    public const int MaxLines = 20;

    /// <summary>A line's quantity stops growing here (adds saturate rather than overflow).</summary>
    public const int MaxLineQuantity = 1_000_000_000;

    public List<CartLine> Lines
    {
        get => _lines;
        set => _lines = value;
    }

    [Id(1)] public DateTimeOffset? CheckoutStartedAt { get; set; }
    [Id(2)] public DateTimeOffset? UpdatedAt { get; set; }
    public List<SkuPurchase> RecentlyPurchased
    {
        get => _recentlyPurchased;
        set => _recentlyPurchased = value;
    }

    /// <summary>occurredAt of the newest purchase: a checkout started before it is over.</summary>
    [Id(4)] public DateTimeOffset? LastPurchaseAt { get; set; }
    /// <summary>The session of the newest cart activity (the recovery link may name it).</summary>
    [Id(5)] public string? SessionId { get; set; }

    [NonSerialized] private List<CartLine> _lines = [];
    [NonSerialized] private List<SkuPurchase> _recentlyPurchased = [];

    // Rows written before the packed forms hold these lists as objects (Ids 0, 3): read, never written again.
    [Id(0)]
    internal List<CartLine>? LegacyLines
    {
        get => null;
        set => _lines = value is { Count: > 0 } ? value : _lines;
    }

    [Id(3)]
    internal List<SkuPurchase>? LegacyRecentlyPurchased
    {
        get => null;
        set => _recentlyPurchased = value is { Count: > 0 } ? value : _recentlyPurchased;
    }

    [Id(6)]
    internal byte[] PackedLines
    {
        get => CartEncoding.PackLines(_lines);
        set => _lines = CartEncoding.UnpackLines(value);
    }

    [Id(7)]
    internal byte[] PackedRecentlyPurchased
    {
        get => CartEncoding.PackPurchases(_recentlyPurchased);
        set => _recentlyPurchased = CartEncoding.UnpackPurchases(value);
    }

    public bool IsEmpty => Lines.Count == 0;

    public int ItemCount => Lines.Sum(l => l.Quantity);

    public decimal Value => Lines.Sum(l => l.Quantity * l.UnitPrice);

    public void RecordClick(ClickEvent click)
    {
        if (click.Action is ClickAction.AddToCart or ClickAction.RemoveFromCart or ClickAction.CheckoutStarted
            && !(UpdatedAt > click.OccurredAt) && !(CheckoutStartedAt > click.OccurredAt))
        {
            SessionId = click.SessionId;
        }

        switch (click.Action)
        {
            case ClickAction.AddToCart when click.Sku is { } sku:
                Add(sku, click.ProductName, click.Quantity ?? 1, click.UnitPrice, click.OccurredAt);
                break;
            case ClickAction.RemoveFromCart when click.Sku is { } sku:
                Remove(sku, click.Quantity, click.OccurredAt);
                break;
            case ClickAction.CheckoutStarted when !IsEmpty && !(LastPurchaseAt >= click.OccurredAt):
                CheckoutStartedAt = Latest(CheckoutStartedAt, click.OccurredAt);
                break;
        }
    }

    public void RecordPurchase(PurchaseEvent purchase)
    {
        foreach (var item in purchase.Items)
        {
            var index = Lines.FindIndex(l => l.Sku == item.Sku);
            if (index >= 0)
            {
                var line = Lines[index];
                // A line changed after the purchase also holds units added later (the purchase
                // arrived late): only the bought quantity leaves the cart.
                var remaining = line.LastChangedAt <= purchase.OccurredAt ? 0 : line.Quantity - item.Quantity;
                if (remaining <= 0)
                {
                    Lines.RemoveAt(index);
                }
                else
                {
                    Lines[index] = line with { Quantity = remaining };
                }

                UpdatedAt = Latest(UpdatedAt, purchase.OccurredAt);
            }

            RememberPurchase(item.Sku, purchase.OccurredAt);
        }

        LastPurchaseAt = Latest(LastPurchaseAt, purchase.OccurredAt);
        if (IsEmpty || CheckoutStartedAt <= purchase.OccurredAt)
        {
            CheckoutStartedAt = null;
        }
    }

    private void Add(string sku, string? name, int quantity, decimal? unitPrice, DateTimeOffset at)
    {
        if (quantity <= 0 || RecentlyPurchased.Any(p => p.Sku == sku && p.At >= at))
        {
            return;
        }

        var index = Lines.FindIndex(l => l.Sku == sku);
        if (index < 0)
        {
            if (Lines.Count >= MaxLines)
            {
                Lines.RemoveAt(Lines.IndexOf(Lines.MinBy(l => l.LastChangedAt)!));
            }

            Lines.Add(new CartLine(sku, name, Math.Min(quantity, MaxLineQuantity), unitPrice ?? 0m, at));
            ForgetPurchasesBefore(at - LateAddTolerance);
        }
        else
        {
            var line = Lines[index];
            Lines[index] = line with
            {
                Name = name ?? line.Name,
                Quantity = (int)Math.Min((long)line.Quantity + quantity, MaxLineQuantity),
                UnitPrice = unitPrice ?? line.UnitPrice,
                LastChangedAt = Latest(line.LastChangedAt, at),
            };
        }

        UpdatedAt = Latest(UpdatedAt, at);
    }

    private void Remove(string sku, int? quantity, DateTimeOffset at)
    {
        var index = Lines.FindIndex(l => l.Sku == sku);
        if (index < 0)
        {
            return;
        }

        var line = Lines[index];
        // No quantity means "remove the line"; removing more than is there empties it.
        var remaining = quantity is { } q ? line.Quantity - q : 0;
        if (remaining <= 0)
        {
            Lines.RemoveAt(index);
        }
        else
        {
            Lines[index] = line with { Quantity = remaining, LastChangedAt = Latest(line.LastChangedAt, at) };
        }

        if (IsEmpty)
        {
            CheckoutStartedAt = null;
        }

        UpdatedAt = Latest(UpdatedAt, at);
    }

    private void ForgetPurchasesBefore(DateTimeOffset before)
    {
        if (RecentlyPurchased.Count > 0)
        {
            RecentlyPurchased.RemoveAll(p => p.At < before);
        }
    }

    private void RememberPurchase(string sku, DateTimeOffset at)
    {
        var index = RecentlyPurchased.FindIndex(p => p.Sku == sku);
        if (index >= 0)
        {
            RecentlyPurchased[index] = new SkuPurchase(sku, Latest(RecentlyPurchased[index].At, at));
            return;
        }

        if (RecentlyPurchased.Count >= RecentPurchaseCapacity)
        {
            RecentlyPurchased.RemoveAt(0);
        }

        RecentlyPurchased.Add(new SkuPurchase(sku, at));
    }

    private static DateTimeOffset Latest(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } c && c >= candidate ? c : candidate;
}

/// <summary>One product in the cart.</summary>
[GenerateSerializer, Immutable, Alias("engine.CartLine")]
public sealed record CartLine(
    [property: Id(0)] string Sku,
    [property: Id(1)] string? Name,
    [property: Id(2)] int Quantity,
    [property: Id(3)] decimal UnitPrice,
    [property: Id(4)] DateTimeOffset LastChangedAt);

/// <summary>When a product was last bought.</summary>
[GenerateSerializer, Immutable, Alias("engine.SkuPurchase")]
public sealed record SkuPurchase(
    [property: Id(0)] string Sku,
    [property: Id(1)] DateTimeOffset At);

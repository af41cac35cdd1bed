using System.Globalization;
using Engine.Domain.Events;
using Engine.Domain.Processing;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Upper bounds on the numbers of contract v1 (docs/events.md, "Bounds"), checked on the
/// parsed event. Far above any real order, far below what breaks arithmetic: an absurd value
/// (a producer bug, 7.9e28) is refused as <c>out-of-range</c> here instead of overflowing in
/// the rules. A shop that needs more raises them (section <c>Ingestion:Bounds</c>); the rules
/// stay checked whatever is configured.
/// </summary>
public sealed class EventBounds
{
    /// <summary>Largest purchase or refund <c>amount</c>, in the event's currency.</summary>
    public decimal MaxAmount { get; set; } = 1_000_000_000m;

    /// <summary>Largest <c>unitPrice</c> of an order line or a cart click.</summary>
    public decimal MaxUnitPrice { get; set; } = 1_000_000_000m;

    /// <summary>Largest <c>quantity</c> of an order line or a cart click.</summary>
    public int MaxQuantity { get; set; } = 1_000_000;

    /// <summary>Most <c>items</c> in one purchase.</summary>
    public int MaxLinesPerOrder { get; set; } = 1_000;

    /// <summary>The event unchanged, or its refusal naming the field and the bound (never the value).</summary>
    public ParsedEvent Check(ParsedEvent parsed) => parsed.Event is { } e && Problem(e) is { } detail
        ? ParsedEvent.Invalid(RejectionReasons.OutOfRange, detail)
        : parsed;

    private string? Problem(CustomerEvent e) => e switch
    {
        PurchaseEvent purchase => Above("amount", purchase.Amount, MaxAmount) ?? Lines(purchase.Items),
        RefundEvent refund => Above("amount", refund.Amount, MaxAmount),
        ClickEvent click => Above("unitPrice", click.UnitPrice, MaxUnitPrice) ?? Above("quantity", click.Quantity, MaxQuantity),
        _ => null,
    };

    private string? Lines(IReadOnlyList<PurchaseLine> items)
    {
        if (items.Count > MaxLinesPerOrder)
        {
            return $"items has more than {MaxLinesPerOrder.ToString(CultureInfo.InvariantCulture)} lines";
        }

        foreach (var item in items)
        {
            if ((Above("items[].unitPrice", item.UnitPrice, MaxUnitPrice) ?? Above("items[].quantity", item.Quantity, MaxQuantity)) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? Above(string field, decimal? value, decimal bound) =>
        value > bound ? $"{field} is above {bound.ToString(CultureInfo.InvariantCulture)}" : null;

    private static string? Above(string field, int? value, int bound) =>
        value > bound ? $"{field} is above {bound.ToString(CultureInfo.InvariantCulture)}" : null;
}

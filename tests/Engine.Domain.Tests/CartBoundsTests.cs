using Engine.Domain.Customers;
using Engine.Domain.Events;

namespace Engine.Domain.Tests;

/// <summary>The cart stays bounded: quantities saturate instead of wrapping, and lines are capped.</summary>
[Trait("Category", "Unit")]
public sealed class CartBoundsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_quantity_near_int_max_added_twice_saturates_instead_of_wrapping()
    {
        var cart = new Cart.Cart();
        cart.RecordClick(Make.AddToCart(T0, "SKU-A", int.MaxValue - 10));
        cart.RecordClick(Make.AddToCart(T0.AddMinutes(1), "SKU-A", int.MaxValue - 10));

        Assert.Equal(Cart.Cart.MaxLineQuantity, Assert.Single(cart.Lines).Quantity);
    }

    [Fact]
    public void A_product_beyond_the_line_cap_replaces_the_line_changed_longest_ago()
    {
        var cart = new Cart.Cart();
        for (var i = 0; i <= Cart.Cart.MaxLines; i++)
        {
            cart.RecordClick(Make.AddToCart(T0.AddMinutes(i), $"SKU-{i}"));
        }

        Assert.Equal(Cart.Cart.MaxLines, cart.Lines.Count);
        Assert.DoesNotContain(cart.Lines, l => l.Sku == "SKU-0");
        Assert.Contains(cart.Lines, l => l.Sku == $"SKU-{Cart.Cart.MaxLines}");
    }

    [Fact]
    public void Bought_products_are_forgotten_once_the_cart_changed_the_late_add_tolerance_after_their_purchase()
    {
        var cart = new Cart.Cart();
        cart.RecordPurchase(Make.Purchase(T0, 10m) with { Items = [new PurchaseLine("SKU-OLD", null, 1, 10m)] });
        cart.RecordPurchase(Make.Purchase(T0.AddDays(1), 10m) with { Items = [new PurchaseLine("SKU-NEW", null, 1, 10m)] });

        // Purchases far ahead of the clicks (a backlog) forget nothing: only cart changes move on.
        cart.RecordPurchase(Make.Purchase(T0.AddDays(30), 10m) with { Items = [new PurchaseLine("SKU-LATER", null, 1, 10m)] });
        cart.RecordClick(Make.AddToCart(T0.AddMinutes(-5), "SKU-OLD"));
        Assert.True(cart.IsEmpty);
        Assert.Equal(3, cart.RecentlyPurchased.Count);

        cart.RecordClick(Make.AddToCart(T0 + Cart.Cart.LateAddTolerance + TimeSpan.FromHours(1), "SKU-OTHER"));

        Assert.Equal(["SKU-NEW", "SKU-LATER"], cart.RecentlyPurchased.Select(p => p.Sku));
    }

    [Fact]
    public void Integer_arithmetic_in_the_rules_throws_on_overflow_rather_than_wrapping()
    {
        var state = new CustomerState { CustomerId = "c-1" };
        state.Engagement.PageViews = int.MaxValue;

        Assert.Throws<OverflowException>(() => state.Apply(
            new SequencedEvent(Make.Click(ClickAction.PageView, T0), new EventPosition("engagement.clicks/0", 1)),
            new CustomerRules()));
    }
}

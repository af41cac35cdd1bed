using Engine.Domain.Events;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class CartTests
{
    private static readonly DateTimeOffset T0 = Make.T0;

    private static Cart.Cart CartOf(params CustomerEvent[] events)
    {
        var cart = new Cart.Cart();
        foreach (var e in events)
        {
            Record(cart, e);
        }

        return cart;
    }

    private static void Record(Cart.Cart cart, CustomerEvent e)
    {
        switch (e)
        {
            case ClickEvent click: cart.RecordClick(click); break;
            case PurchaseEvent purchase: cart.RecordPurchase(purchase); break;
        }
    }

    private static int QuantityOf(Cart.Cart cart, string sku) => cart.Lines.SingleOrDefault(l => l.Sku == sku)?.Quantity ?? 0;

    [Fact]
    public void Add_puts_the_product_in_the_cart()
    {
        var cart = CartOf(Make.Click(ClickAction.AddToCart, T0, "SKU-A", 2, 19.00m) with { ProductName = "Running cap" });

        var line = Assert.Single(cart.Lines);
        Assert.Equal("SKU-A", line.Sku);
        Assert.Equal("Running cap", line.Name);
        Assert.Equal(2, line.Quantity);
        Assert.Equal(19.00m, line.UnitPrice);
        Assert.Equal(T0, cart.UpdatedAt);
    }

    [Fact]
    public void Add_without_quantity_adds_one()
    {
        var cart = CartOf(Make.AddToCart(T0, "SKU-A"));

        Assert.Equal(1, QuantityOf(cart, "SKU-A"));
    }

    [Fact]
    public void Adding_the_same_product_again_accumulates_on_one_line()
    {
        var cart = CartOf(Make.AddToCart(T0, "SKU-A", 2), Make.AddToCart(T0.AddMinutes(1), "SKU-A"), Make.AddToCart(T0.AddMinutes(2), "SKU-A", 3));

        Assert.Equal(6, Assert.Single(cart.Lines).Quantity);
        Assert.Equal(T0.AddMinutes(2), cart.UpdatedAt);
    }

    [Fact]
    public void Removing_less_than_the_cart_holds_lowers_the_quantity()
    {
        var cart = CartOf(Make.AddToCart(T0, "SKU-A", 3), Make.RemoveFromCart(T0.AddMinutes(1), "SKU-A", 1));

        Assert.Equal(2, QuantityOf(cart, "SKU-A"));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(100)]
    public void Removing_as_much_or_more_than_the_cart_holds_empties_the_line(int removed)
    {
        var cart = CartOf(Make.AddToCart(T0, "SKU-A", 3), Make.AddToCart(T0, "SKU-B"), Make.RemoveFromCart(T0.AddMinutes(1), "SKU-A", removed));

        Assert.DoesNotContain(cart.Lines, l => l.Sku == "SKU-A");
        Assert.All(cart.Lines, l => Assert.True(l.Quantity > 0));
        Assert.Equal(1, cart.ItemCount);
    }

    [Fact]
    public void Removing_without_quantity_removes_the_whole_line()
    {
        var cart = CartOf(Make.AddToCart(T0, "SKU-A", 5), Make.AddToCart(T0, "SKU-B"), Make.RemoveFromCart(T0.AddMinutes(1), "SKU-A"));

        Assert.Equal("SKU-B", Assert.Single(cart.Lines).Sku);
    }

    [Fact]
    public void Removing_a_product_not_in_the_cart_is_ignored()
    {
        var cart = CartOf(Make.AddToCart(T0, "SKU-A", 2));

        Record(cart, Make.RemoveFromCart(T0.AddMinutes(1), "SKU-Z", 1));

        Assert.Equal(2, QuantityOf(cart, "SKU-A"));
        Assert.Single(cart.Lines);
        Assert.Equal(T0, cart.UpdatedAt);
    }

    [Fact]
    public void Purchase_clears_the_bought_lines_and_keeps_the_others()
    {
        var cart = CartOf(Make.AddToCart(T0, "SKU-A", 1), Make.AddToCart(T0, "SKU-B", 2), Make.AddToCart(T0, "SKU-C", 1));

        Record(cart, Make.Purchase(T0.AddMinutes(5), items: [Make.Line("SKU-A"), Make.Line("SKU-C")]));

        Assert.Equal("SKU-B", Assert.Single(cart.Lines).Sku);
        Assert.Equal(2, cart.ItemCount);
    }

    [Fact]
    public void Purchase_of_products_not_in_the_cart_leaves_the_cart_unchanged()
    {
        var cart = CartOf(Make.AddToCart(T0, "SKU-A", 2, 15m));

        Record(cart, Make.Purchase(T0.AddMinutes(5), items: [Make.Line("SKU-X"), Make.Line("SKU-Y", 3)]));

        var line = Assert.Single(cart.Lines);
        Assert.Equal(("SKU-A", 2), (line.Sku, line.Quantity));
        Assert.Equal(30m, cart.Value);
    }

    [Fact]
    public void Purchase_without_items_leaves_the_lines_alone()
    {
        var cart = CartOf(Make.AddToCart(T0, "SKU-A", 2, 15m));

        Record(cart, Make.Purchase(T0.AddMinutes(5)));

        Assert.Equal(2, QuantityOf(cart, "SKU-A"));
    }

    [Fact]
    public void Late_add_that_happened_before_the_purchase_of_that_product_is_ignored()
    {
        // The purchase (purchases topic) arrives before the add (clicks topic) that preceded it.
        var cart = CartOf(Make.Purchase(T0.AddMinutes(5), items: [Make.Line("SKU-A")]));

        Record(cart, Make.AddToCart(T0, "SKU-A", 1));

        Assert.True(cart.IsEmpty);
    }

    [Fact]
    public void Late_add_of_another_product_is_kept()
    {
        var cart = CartOf(Make.Purchase(T0.AddMinutes(5), items: [Make.Line("SKU-A")]));

        Record(cart, Make.AddToCart(T0, "SKU-B", 1));

        Assert.Equal(1, QuantityOf(cart, "SKU-B"));
    }

    [Fact]
    public void Add_after_the_purchase_of_that_product_is_kept()
    {
        var cart = CartOf(
            Make.AddToCart(T0, "SKU-A", 1),
            Make.Purchase(T0.AddMinutes(5), items: [Make.Line("SKU-A")]),
            Make.AddToCart(T0.AddMinutes(6), "SKU-A", 1));

        Assert.Equal(1, QuantityOf(cart, "SKU-A"));
    }

    [Fact]
    public void Purchase_arriving_after_a_later_add_of_the_same_product_removes_only_what_was_bought()
    {
        // Customer adds A, buys it, adds A again; the purchase arrives last (its topic lags).
        // In occurredAt order the cart ends with the one A added after the purchase.
        var add = Make.AddToCart(T0, "SKU-A", 1);
        var purchase = Make.Purchase(T0.AddMinutes(5), items: [Make.Line("SKU-A")]);
        var addAgain = Make.AddToCart(T0.AddMinutes(6), "SKU-A", 1);

        var inOrder = CartOf(add, purchase, addAgain);
        var purchaseLast = CartOf(add, addAgain, purchase);

        Assert.Equal(1, QuantityOf(inOrder, "SKU-A"));
        Assert.Equal(QuantityOf(inOrder, "SKU-A"), QuantityOf(purchaseLast, "SKU-A"));
    }

    [Fact]
    public void Checkout_started_is_recorded_for_a_non_empty_cart()
    {
        var cart = CartOf(Make.AddToCart(T0, "SKU-A"), Make.CheckoutStarted(T0.AddMinutes(1)));

        Assert.Equal(T0.AddMinutes(1), cart.CheckoutStartedAt);
    }

    [Fact]
    public void Checkout_started_on_an_empty_cart_is_ignored()
    {
        var cart = CartOf(Make.CheckoutStarted(T0));

        Assert.Null(cart.CheckoutStartedAt);
    }

    [Fact]
    public void Purchase_clears_checkout_started()
    {
        var cart = CartOf(
            Make.AddToCart(T0, "SKU-A"),
            Make.AddToCart(T0, "SKU-B"),
            Make.CheckoutStarted(T0.AddMinutes(1)),
            Make.Purchase(T0.AddMinutes(3), items: [Make.Line("SKU-A")]));

        Assert.Null(cart.CheckoutStartedAt);
        Assert.Equal("SKU-B", Assert.Single(cart.Lines).Sku);
    }

    [Fact]
    public void Emptying_the_cart_clears_checkout_started()
    {
        var cart = CartOf(Make.AddToCart(T0, "SKU-A"), Make.CheckoutStarted(T0.AddMinutes(1)), Make.RemoveFromCart(T0.AddMinutes(2), "SKU-A"));

        Assert.Null(cart.CheckoutStartedAt);
    }

    [Fact]
    public void Late_checkout_started_older_than_the_last_purchase_is_ignored()
    {
        var cart = CartOf(
            Make.AddToCart(T0, "SKU-A"),
            Make.AddToCart(T0, "SKU-B"),
            Make.Purchase(T0.AddMinutes(5), items: [Make.Line("SKU-A")]));

        Record(cart, Make.CheckoutStarted(T0.AddMinutes(2)));

        Assert.Null(cart.CheckoutStartedAt);
        Assert.False(cart.IsEmpty);
    }

    [Fact]
    public void Checkout_started_after_the_purchase_counts_again()
    {
        var cart = CartOf(
            Make.AddToCart(T0, "SKU-A"),
            Make.AddToCart(T0, "SKU-B"),
            Make.Purchase(T0.AddMinutes(5), items: [Make.Line("SKU-A")]),
            Make.CheckoutStarted(T0.AddMinutes(7)));

        Assert.Equal(T0.AddMinutes(7), cart.CheckoutStartedAt);
    }

    [Fact]
    public void Value_is_quantity_times_unit_price_and_item_count_is_units()
    {
        var cart = CartOf(
            Make.AddToCart(T0, "SKU-RUN-42", 1, 89.90m),
            Make.AddToCart(T0, "SKU-SOCK-3P", null, 12.50m),
            Make.AddToCart(T0, "SKU-CAP-01", 2, 19.00m),
            Make.RemoveFromCart(T0.AddMinutes(1), "SKU-CAP-01", 1));

        Assert.Equal(89.90m + 12.50m + 19.00m, cart.Value);
        Assert.Equal(3, cart.ItemCount);
    }

    [Fact]
    public void Empty_cart_has_no_value_and_no_items()
    {
        var cart = new Cart.Cart();

        Assert.True(cart.IsEmpty);
        Assert.Equal(0m, cart.Value);
        Assert.Equal(0, cart.ItemCount);
    }

    [Fact]
    public void Add_without_price_keeps_the_known_price()
    {
        var cart = CartOf(Make.AddToCart(T0, "SKU-A", 1, 20m), Make.AddToCart(T0.AddMinutes(1), "SKU-A", 1, null));

        Assert.Equal(40m, cart.Value);
    }
}

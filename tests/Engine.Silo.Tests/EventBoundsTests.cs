using System.Text;
using Engine.Domain.Processing;
using Engine.Silo.Ingestion;

namespace Engine.Silo.Tests;

/// <summary>The contract's upper bounds: absurd numbers refused as out-of-range by the parser, and raised by configuration.</summary>
[Trait("Category", "Unit")]
public sealed class EventBoundsTests
{
    private const string Head = "\"type\":\"purchase\",\"eventId\":\"e-1\",\"customerId\":\"c-1\",\"occurredAt\":\"2026-11-23T10:00:00Z\",\"orderId\":\"o-1\",\"currency\":\"USD\"";

    [Theory]
    [InlineData("\"amount\":79000000000000000000000000000,\"items\":[]", "amount is above 1000000000")]
    [InlineData("\"amount\":1000000000.01,\"items\":[]", "amount is above 1000000000")]
    [InlineData("\"amount\":1,\"items\":[{\"sku\":\"S\",\"quantity\":1000001,\"unitPrice\":1}]", "items[].quantity is above 1000000")]
    [InlineData("\"amount\":1,\"items\":[{\"sku\":\"S\",\"quantity\":1,\"unitPrice\":5e28}]", "items[].unitPrice is above 1000000000")]
    public void An_absurd_purchase_is_refused_as_out_of_range_naming_the_field_and_the_bound(string fields, string detail)
    {
        var parsed = Parse($"{{{Head},{fields}}}");

        Assert.Equal((RejectionReasons.OutOfRange, detail), (parsed.Reason, parsed.Detail));
    }

    [Fact]
    public void Values_at_the_bounds_are_accepted()
    {
        Assert.True(Parse($$"""{{{Head}},"amount":1000000000,"items":[{"sku":"S","quantity":1000000,"unitPrice":1000000000}]}""").IsValid);
    }

    [Fact]
    public void An_order_with_more_lines_than_the_bound_is_refused()
    {
        var lines = string.Join(",", Enumerable.Repeat("""{"sku":"S","quantity":1,"unitPrice":1}""", 1001));

        Assert.Equal(RejectionReasons.OutOfRange, Parse($$"""{{{Head}},"amount":1,"items":[{{lines}}]}""").Reason);
    }

    [Fact]
    public void A_cart_click_with_an_absurd_quantity_or_price_is_refused()
    {
        const string Click = "\"type\":\"click\",\"eventId\":\"e-1\",\"customerId\":\"c-1\",\"occurredAt\":\"2026-11-23T10:00:00Z\",\"action\":\"add_to_cart\",\"sessionId\":\"s\",\"sku\":\"S\"";

        Assert.Equal(RejectionReasons.OutOfRange, Parse($$"""{{{Click}},"quantity":2147483000}""").Reason);
        Assert.Equal(RejectionReasons.OutOfRange, Parse($$"""{{{Click}},"unitPrice":1e12}""").Reason);
    }

    [Fact]
    public void A_refund_above_the_amount_bound_is_refused()
    {
        Assert.Equal(RejectionReasons.OutOfRange, Parse("""{"type":"refund","eventId":"e-1","customerId":"c-1","occurredAt":"2026-11-23T10:00:00Z","orderId":"o-1","amount":5e28,"currency":"USD"}""").Reason);
    }

    [Fact]
    public void A_shop_that_needs_more_raises_the_bounds_by_configuration()
    {
        var parser = new EventParser(bounds: new EventBounds { MaxAmount = 10_000_000_000m });

        Assert.True(parser.Parse(default, Encoding.UTF8.GetBytes($$"""{{{Head}},"amount":5000000000,"items":[]}""")).IsValid);
    }

    private static ParsedEvent Parse(string json) => new EventParser().Parse(default, Encoding.UTF8.GetBytes(json));
}

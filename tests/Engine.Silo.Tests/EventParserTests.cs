using System.Text;
using System.Text.Json.Nodes;
using Engine.Domain.Events;
using Engine.Domain.Processing;
using Engine.Silo.Ingestion;
using Engine.Testing;

namespace Engine.Silo.Tests;

[Trait("Category", "Unit")]
public sealed class EventParserTests
{
    private const string Purchase = """
        {"type":"purchase","eventId":"evt-p1","customerId":"c-1001","occurredAt":"2026-11-23T10:26:12+01:00",
         "orderId":"ord-558201","amount":102.40,"currency":"EUR",
         "items":[{"sku":"SKU-RUN-42","name":"Trail running shoe","quantity":1,"unitPrice":89.90},
                  {"sku":"SKU-SOCK-3P","quantity":2,"unitPrice":6.25}],
         "channel":"store","store":"NYC-05","location":"New York, NY"}
        """;

    private const string AddToCart = """
        {"type":"click","eventId":"evt-k1","customerId":"c-1001","occurredAt":"2026-11-23T10:19:10+01:00",
         "action":"add_to_cart","sessionId":"s-7f3a","url":"https://shop.example/fr/p/SKU-CAP-01",
         "sku":"SKU-CAP-01","quantity":2,"unitPrice":19.00,"productName":"Running cap"}
        """;

    private const string Customer = """
        {"type":"customer","eventId":"evt-c1","customerId":"c-1001","occurredAt":"2026-11-02T09:12:00+01:00",
         "firstName":"Camille","phone":"+14155550123","timeZone":"Europe/Paris","locale":"fr-FR","birthday":"1991-04-17",
         "smsConsent":{"status":"opted_in","source":"web-form","at":"2026-11-02T09:12:00+01:00"}}
        """;

    private const string Refund = """
        {"type":"refund","eventId":"evt-r1","customerId":"c-1001","occurredAt":"2026-11-30T16:05:00+01:00",
         "orderId":"ord-558201","amount":12.50,"currency":"EUR"}
        """;

    private const string Redeemed = """
        {"type":"points_redeemed","eventId":"evt-pr1","customerId":"c-1001","occurredAt":"2026-12-01T09:30:00Z",
         "points":250,"reason":"voucher","redemptionId":"vch-00917"}
        """;

    private const string Adjusted = """
        {"type":"points_adjusted","eventId":"evt-pa1","customerId":"c-1001","occurredAt":"2026-12-02T11:00:00+01:00",
         "points":-40,"reason":"goodwill grant reversed: duplicate ticket"}
        """;

    private const string Referral = """
        {"type":"referral","eventId":"evt-rf1","customerId":"c-1001","occurredAt":"2026-12-03T08:00:00Z","referrerId":"c-0042"}
        """;

    private static readonly string[] EveryType = [Purchase, AddToCart, Customer, Refund, Redeemed, Adjusted, Referral];

    private static readonly EventParser Parser = new();

    private static ParsedEvent Parse(string json, string? key = null) =>
        Parser.Parse(key is null ? default : Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(json));

    /// <summary>The valid event with one field changed; a null value writes JSON null.</summary>
    private static string With(string json, string path, JsonNode? value) => Edit(json, path, (parent, name) => parent[name] = value);

    private static string Without(string json, string path) => Edit(json, path, (parent, name) => parent.Remove(name));

    private static string Edit(string json, string path, Action<JsonObject, string> edit)
    {
        var root = JsonNode.Parse(json)!;
        var parts = path.Split('.');
        var parent = root;
        foreach (var part in parts[..^1])
        {
            parent = int.TryParse(part, out var index) ? parent[index]! : parent[part]!;
        }

        edit(parent.AsObject(), parts[^1]);
        return root.ToJsonString();
    }

    public static TheoryData<string, string, string> Rejections() => new()
    {
        // invalid-json: not parseable, or not an object
        { "truncated object", """{"type":"click","eventId":"e-1","customerId":"c-1001",""", RejectionReasons.InvalidJson },
        { "JSON array", """["click","e-1","c-1001","2026-11-23T10:15:00+01:00"]""", RejectionReasons.InvalidJson },
        { "JSON string", "\"click\"", RejectionReasons.InvalidJson },
        { "JSON number", "42", RejectionReasons.InvalidJson },
        { "JSON null", "null", RejectionReasons.InvalidJson },
        { "empty value", "", RejectionReasons.InvalidJson },
        { "two objects", Customer + Customer, RejectionReasons.InvalidJson },
        { "comment", "// hi\n" + Customer, RejectionReasons.InvalidJson },

        // unknown-type
        { "type review", With(Purchase, "type", "review"), RejectionReasons.UnknownType },
        { "type in snake case with capitals", With(Redeemed, "type", "Points_Redeemed"), RejectionReasons.UnknownType },
        { "type points_expired (engine-made, not accepted)", With(Redeemed, "type", "points_expired"), RejectionReasons.UnknownType },
        { "type in capitals", With(Purchase, "type", "Purchase"), RejectionReasons.UnknownType },

        // missing-field: absent, null or empty
        { "purchase without type", Without(Purchase, "type"), RejectionReasons.MissingField },
        { "purchase without eventId", Without(Purchase, "eventId"), RejectionReasons.MissingField },
        { "purchase without customerId", Without(Purchase, "customerId"), RejectionReasons.MissingField },
        { "purchase without occurredAt", Without(Purchase, "occurredAt"), RejectionReasons.MissingField },
        { "purchase without orderId", Without(Purchase, "orderId"), RejectionReasons.MissingField },
        { "purchase without amount", Without(Purchase, "amount"), RejectionReasons.MissingField },
        { "purchase without currency", Without(Purchase, "currency"), RejectionReasons.MissingField },
        { "purchase without items", Without(Purchase, "items"), RejectionReasons.MissingField },
        { "purchase with items null", With(Purchase, "items", null), RejectionReasons.MissingField },
        { "item without sku", Without(Purchase, "items.0.sku"), RejectionReasons.MissingField },
        { "item without quantity", Without(Purchase, "items.0.quantity"), RejectionReasons.MissingField },
        { "item without unitPrice", Without(Purchase, "items.0.unitPrice"), RejectionReasons.MissingField },
        { "click without type", Without(AddToCart, "type"), RejectionReasons.MissingField },
        { "click without eventId", Without(AddToCart, "eventId"), RejectionReasons.MissingField },
        { "click without customerId", Without(AddToCart, "customerId"), RejectionReasons.MissingField },
        { "click without occurredAt", Without(AddToCart, "occurredAt"), RejectionReasons.MissingField },
        { "click without sessionId", Without(AddToCart, "sessionId"), RejectionReasons.MissingField },
        { "click without action", Without(AddToCart, "action"), RejectionReasons.MissingField },
        { "add_to_cart without sku", Without(AddToCart, "sku"), RejectionReasons.MissingField },
        { "remove_from_cart without sku", Without(With(AddToCart, "action", "remove_from_cart"), "sku"), RejectionReasons.MissingField },
        { "customer without type", Without(Customer, "type"), RejectionReasons.MissingField },
        { "customer without eventId", Without(Customer, "eventId"), RejectionReasons.MissingField },
        { "customer without customerId", Without(Customer, "customerId"), RejectionReasons.MissingField },
        { "customer without occurredAt", Without(Customer, "occurredAt"), RejectionReasons.MissingField },
        { "consent without status", Without(Customer, "smsConsent.status"), RejectionReasons.MissingField },
        { "consent without source", Without(Customer, "smsConsent.source"), RejectionReasons.MissingField },
        { "consent without at", Without(Customer, "smsConsent.at"), RejectionReasons.MissingField },
        { "refund without orderId", Without(Refund, "orderId"), RejectionReasons.MissingField },
        { "refund without amount", Without(Refund, "amount"), RejectionReasons.MissingField },
        { "refund without currency", Without(Refund, "currency"), RejectionReasons.MissingField },
        { "refund without occurredAt", Without(Refund, "occurredAt"), RejectionReasons.MissingField },
        { "redemption without points", Without(Redeemed, "points"), RejectionReasons.MissingField },
        { "redemption with points null", With(Redeemed, "points", null), RejectionReasons.MissingField },
        { "redemption without eventId", Without(Redeemed, "eventId"), RejectionReasons.MissingField },
        { "adjustment without points", Without(Adjusted, "points"), RejectionReasons.MissingField },
        { "adjustment without reason", Without(Adjusted, "reason"), RejectionReasons.MissingField },
        { "adjustment with reason empty", With(Adjusted, "reason", ""), RejectionReasons.MissingField },
        { "adjustment without customerId", Without(Adjusted, "customerId"), RejectionReasons.MissingField },
        { "eventId null", With(Purchase, "eventId", null), RejectionReasons.MissingField },
        { "customerId empty", With(AddToCart, "customerId", ""), RejectionReasons.MissingField },
        { "sessionId empty", With(AddToCart, "sessionId", ""), RejectionReasons.MissingField },

        // invalid-field: wrong type or format
        { "occurredAt without offset", With(AddToCart, "occurredAt", "2026-11-23T10:15:00"), RejectionReasons.InvalidField },
        { "occurredAt not a date", With(AddToCart, "occurredAt", "yesterday+01:00"), RejectionReasons.InvalidField },
        { "occurredAt date only", With(AddToCart, "occurredAt", "2026-11-23Z"), RejectionReasons.InvalidField },
        { "occurredAt in US date order", With(AddToCart, "occurredAt", "11/23/2026 10:15:00 +01:00"), RejectionReasons.InvalidField },
        { "occurredAt as a number", With(AddToCart, "occurredAt", 1795432500), RejectionReasons.InvalidField },
        { "consent at without offset", With(Customer, "smsConsent.at", "2026-11-02T09:12:00"), RejectionReasons.InvalidField },
        { "phone without plus", With(Customer, "phone", "3125550188"), RejectionReasons.InvalidField },
        { "phone with 7 digits", With(Customer, "phone", "+1234567"), RejectionReasons.InvalidField },
        { "phone with 16 digits", With(Customer, "phone", "+1234567890123456"), RejectionReasons.InvalidField },
        { "phone with country code 0", With(Customer, "phone", "+04155550123"), RejectionReasons.InvalidField },
        { "national phone with no default region", With(Customer, "phone", "(415) 555-0123"), RejectionReasons.InvalidField },
        { "unknown time zone", With(Customer, "timeZone", "Europe/Atlantis"), RejectionReasons.InvalidField },
        { "locale with underscore", With(Customer, "locale", "fr_FR"), RejectionReasons.InvalidField },
        { "click quantity 0", With(AddToCart, "quantity", 0), RejectionReasons.InvalidField },
        { "click quantity negative", With(AddToCart, "quantity", -1), RejectionReasons.InvalidField },
        { "click quantity fractional", With(AddToCart, "quantity", 1.5), RejectionReasons.InvalidField },
        { "click quantity as a string", With(AddToCart, "quantity", "2"), RejectionReasons.InvalidField },
        { "item quantity 0", With(Purchase, "items.0.quantity", 0), RejectionReasons.InvalidField },
        { "unknown action", With(AddToCart, "action", "wishlist_add"), RejectionReasons.InvalidField },
        { "action in capitals", With(AddToCart, "action", "ADD_TO_CART"), RejectionReasons.InvalidField },
        { "amount as a string", With(Purchase, "amount", "102.40"), RejectionReasons.InvalidField },
        { "unitPrice as a string", With(Purchase, "items.0.unitPrice", "89.90"), RejectionReasons.InvalidField },
        { "items not an array", With(Purchase, "items", "SKU-RUN-42"), RejectionReasons.InvalidField },
        { "item not an object", With(Purchase, "items", new JsonArray("SKU-RUN-42")), RejectionReasons.InvalidField },
        { "birthday without zero padding", With(Customer, "birthday", "1991-4-17"), RejectionReasons.InvalidField },
        { "birthday day-first", With(Customer, "birthday", "17/04/1991"), RejectionReasons.InvalidField },
        { "birthday not a day", With(Customer, "birthday", "1991-02-30"), RejectionReasons.InvalidField },
        { "birthday with a time", With(Customer, "birthday", "1991-04-17T00:00:00Z"), RejectionReasons.InvalidField },
        { "consent status unknown", With(Customer, "smsConsent.status", "maybe"), RejectionReasons.InvalidField },
        { "consent not an object", With(Customer, "smsConsent", "opted_in"), RejectionReasons.InvalidField },
        { "customerId as a number", With(AddToCart, "customerId", 1001), RejectionReasons.InvalidField },
        { "eventId of 129 characters", With(AddToCart, "eventId", new string('e', 129)), RejectionReasons.InvalidField },
        { "firstName of 101 characters", With(Customer, "firstName", new string('n', 101)), RejectionReasons.InvalidField },
        { "refund amount as a string", With(Refund, "amount", "12.50"), RejectionReasons.InvalidField },
        { "refund orderId of 129 characters", With(Refund, "orderId", new string('o', 129)), RejectionReasons.InvalidField },
        { "refund occurredAt without offset", With(Refund, "occurredAt", "2026-11-30T16:05:00"), RejectionReasons.InvalidField },
        { "refundId of 129 characters", With(Refund, "refundId", new string('r', 129)), RejectionReasons.InvalidField },
        { "adjustmentId as a number", With(Adjusted, "adjustmentId", 12), RejectionReasons.InvalidField },
        { "redemption points 0", With(Redeemed, "points", 0), RejectionReasons.InvalidField },
        { "referral without referrerId", Without(Referral, "referrerId"), RejectionReasons.MissingField },
        { "referral with the customer as its own referrer", With(Referral, "referrerId", "c-1001"), RejectionReasons.InvalidField },
        { "referrerId as a number", With(Referral, "referrerId", 42), RejectionReasons.InvalidField },
        { "referrerId of 129 characters", With(Referral, "referrerId", new string('r', 129)), RejectionReasons.InvalidField },
        { "referral without occurredAt", Without(Referral, "occurredAt"), RejectionReasons.MissingField },
        { "redemption points negative", With(Redeemed, "points", -250), RejectionReasons.InvalidField },
        { "redemption points fractional", With(Redeemed, "points", 2.5), RejectionReasons.InvalidField },
        { "redemption points with a decimal point", With(Redeemed, "points", JsonNode.Parse("250.0")), RejectionReasons.InvalidField },
        { "redemption points in exponent form", With(Redeemed, "points", JsonNode.Parse("2.5e2")), RejectionReasons.InvalidField },
        { "redemption points as a string", With(Redeemed, "points", "250"), RejectionReasons.InvalidField },
        { "redemption points above the maximum", With(Redeemed, "points", 1_000_000_000_001L), RejectionReasons.InvalidField },
        { "redemption points beyond a 64-bit integer", With(Redeemed, "points", JsonNode.Parse("9223372036854775808")), RejectionReasons.InvalidField },
        { "redemption reason of 257 characters", With(Redeemed, "reason", new string('r', 257)), RejectionReasons.InvalidField },
        { "redemptionId of 129 characters", With(Redeemed, "redemptionId", new string('v', 129)), RejectionReasons.InvalidField },
        { "redemptionId as a number", With(Redeemed, "redemptionId", 917), RejectionReasons.InvalidField },
        { "adjustment points 0", With(Adjusted, "points", 0), RejectionReasons.InvalidField },
        { "adjustment points below the minimum", With(Adjusted, "points", -1_000_000_000_001L), RejectionReasons.InvalidField },
        { "adjustment points beyond a 64-bit integer", With(Adjusted, "points", JsonNode.Parse("-9223372036854775809")), RejectionReasons.InvalidField },
        { "adjustment reason as a number", With(Adjusted, "reason", 42), RejectionReasons.InvalidField },

        // negative-amount
        { "negative amount", With(Purchase, "amount", -45.00m), RejectionReasons.NegativeAmount },
        { "negative item unitPrice", With(Purchase, "items.1.unitPrice", -0.01m), RejectionReasons.NegativeAmount },
        { "negative click unitPrice", With(AddToCart, "unitPrice", -19.00m), RejectionReasons.NegativeAmount },
        { "negative refund amount", With(Refund, "amount", -12.50m), RejectionReasons.NegativeAmount },

        // unknown-currency
        { "currency XYZ", With(Purchase, "currency", "XYZ"), RejectionReasons.UnknownCurrency },
        { "currency in lower case", With(Purchase, "currency", "usd"), RejectionReasons.UnknownCurrency },
        { "withdrawn currency", With(Purchase, "currency", "DEM"), RejectionReasons.UnknownCurrency },
        { "refund currency XYZ", With(Refund, "currency", "XYZ"), RejectionReasons.UnknownCurrency },
        { "refund currency in lower case", With(Refund, "currency", "eur"), RejectionReasons.UnknownCurrency },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Refuses_with_the_contract_reason(string @case, string json, string reason)
    {
        var parsed = Parse(json);

        Assert.False(parsed.IsValid, @case);
        Assert.Null(parsed.Event);
        Assert.Equal(reason, parsed.Reason);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Detail));
    }

    [Theory]
    [InlineData(Purchase)]
    [InlineData(AddToCart)]
    [InlineData(Customer)]
    [InlineData(Refund)]
    [InlineData(Redeemed)]
    [InlineData(Adjusted)]
    public void Value_larger_than_the_configured_maximum_is_oversized(string json)
    {
        var parser = new EventParser(maxEventBytes: 64);

        var parsed = parser.Parse(default, Encoding.UTF8.GetBytes(json));

        Assert.Equal(RejectionReasons.OversizedPayload, parsed.Reason);
    }

    [Fact]
    public void Default_maximum_is_64_KiB_inclusive()
    {
        var atLimit = Customer.PadRight(65_536);

        Assert.True(Parser.Parse(default, Encoding.UTF8.GetBytes(atLimit)).IsValid);
        Assert.Equal(RejectionReasons.OversizedPayload, Parser.Parse(default, Encoding.UTF8.GetBytes(atLimit + " ")).Reason);
    }

    [Fact]
    public void Oversized_is_decided_before_parsing()
    {
        var parser = new EventParser(maxEventBytes: 8);

        Assert.Equal(RejectionReasons.OversizedPayload, parser.Parse(default, Encoding.UTF8.GetBytes("{not json at all}")).Reason);
    }

    [Theory]
    [InlineData("\"s-7f3a\"", "in a string value")]
    [InlineData("\"Running cap\"", "in an optional string value")]
    [InlineData("\"customerId\"", "in a property name")]
    public void Invalid_utf8_is_invalid_json_and_never_throws(string token, string where)
    {
        // The contract's value is UTF-8 JSON; a producer bug sending Latin-1 bytes must be
        // dead-lettered, not crash the consumer loop.
        var text = Encoding.UTF8.GetBytes(AddToCart);
        var at = Encoding.UTF8.GetString(text).IndexOf(token, StringComparison.Ordinal) + 2;
        byte[] value = [.. text[..at], 0xC3, 0x28, .. text[at..]];

        var exception = Record.Exception(() => Parser.Parse(default, value));
        Assert.Null(exception);

        var parsed = Parser.Parse(default, value);
        Assert.False(parsed.IsValid, where);
        Assert.Equal(RejectionReasons.InvalidJson, parsed.Reason);
    }

    [Theory]
    [InlineData("c-1002")]
    [InlineData("C-1001")]
    [InlineData("c-1001 ")]
    [InlineData("c-100")]
    [InlineData("c-10011")]
    public void Key_that_differs_from_customer_id_is_key_mismatch(string key)
    {
        foreach (var json in EveryType)
        {
            Assert.Equal(RejectionReasons.KeyMismatch, Parse(json, key).Reason);
        }
    }

    [Fact]
    public void A_referral_names_the_referred_customer_and_the_referrer()
    {
        var parsed = Parse(Referral, "c-1001");

        var referral = Assert.IsType<ReferralEvent>(parsed.Event);
        Assert.Equal(("evt-rf1", "c-1001", "c-0042"), (referral.EventId, referral.CustomerId, referral.ReferrerId));
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero), referral.OccurredAt);
    }

    [Fact]
    public void Key_equal_to_customer_id_is_accepted()
    {
        foreach (var json in EveryType)
        {
            Assert.True(Parse(json, "c-1001").IsValid);
        }
    }

    [Fact]
    public void Empty_key_is_accepted()
    {
        Assert.True(Parser.Parse(ReadOnlySpan<byte>.Empty, Encoding.UTF8.GetBytes(Customer)).IsValid);
    }

    [Fact]
    public void Key_is_compared_as_utf8()
    {
        var json = With(AddToCart, "customerId", "c-Zoë-1001");

        Assert.True(Parse(json, "c-Zoë-1001").IsValid);
        Assert.Equal(RejectionReasons.KeyMismatch, Parser.Parse(Encoding.Latin1.GetBytes("c-Zoë-1001"), Encoding.UTF8.GetBytes(json)).Reason);
    }

    [Fact]
    public void Key_is_not_checked_on_an_event_refused_for_another_reason()
    {
        Assert.Equal(RejectionReasons.UnknownCurrency, Parse(With(Purchase, "currency", "XYZ"), "someone-else").Reason);
    }

    [Theory]
    [InlineData("3125550188")]
    [InlineData("+1234567")]
    [InlineData("+04155550123")]
    [InlineData("+131255501889999999")]
    [InlineData("call 3125550188")]
    public void Rejection_detail_never_contains_the_phone_number(string phone)
    {
        var parsed = Parse(With(Customer, "phone", phone));

        Assert.Equal(RejectionReasons.InvalidField, parsed.Reason);
        Assert.Contains("phone", parsed.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(phone, parsed.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("555", parsed.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("+1-415-555-0123", null, "+14155550123")]
    [InlineData("+1 (415) 555 0123", null, "+14155550123")]
    [InlineData("(415) 555-0123", "US", "+14155550123")]
    [InlineData("06 12 34 56 78", "FR", "+33612345678")]
    public void A_profile_phone_is_kept_in_E164_whatever_its_writing(string phone, string? region, string expected)
    {
        var parser = new EventParser(defaultRegion: region);

        var parsed = parser.Parse(default, Encoding.UTF8.GetBytes(With(Customer, "phone", phone)));

        Assert.True(parsed.IsValid, parsed.Detail);
        Assert.Equal(expected, ((CustomerProfileEvent)parsed.Event!).Phone);
    }

    [Fact]
    public void Rejection_detail_never_contains_the_name()
    {
        var name = "Camille" + new string('x', 100);

        var parsed = Parse(With(Customer, "firstName", name));

        Assert.Equal(RejectionReasons.InvalidField, parsed.Reason);
        Assert.DoesNotContain("Camille", parsed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_example_event_is_valid()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryLayout.Root, "docs", "examples", "events.jsonl"))
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .ToList();

        Assert.NotEmpty(lines);
        for (var i = 0; i < lines.Count; i++)
        {
            var customerId = JsonNode.Parse(lines[i])!["customerId"]!.GetValue<string>();
            var parsed = Parse(lines[i], key: customerId);
            Assert.True(parsed.IsValid, $"line {i + 1}: {parsed.Reason} ({parsed.Detail})");
            Assert.Equal(customerId, parsed.Event!.CustomerId);
        }
    }

    [Theory]
    [InlineData(1, RejectionReasons.InvalidJson)]
    [InlineData(2, RejectionReasons.InvalidJson)]
    [InlineData(3, RejectionReasons.UnknownType)]
    [InlineData(4, RejectionReasons.MissingField)]
    [InlineData(5, RejectionReasons.MissingField)]
    [InlineData(6, RejectionReasons.InvalidField)]
    [InlineData(7, RejectionReasons.InvalidField)]
    [InlineData(8, RejectionReasons.InvalidField)]
    [InlineData(9, RejectionReasons.InvalidField)]
    [InlineData(10, RejectionReasons.NegativeAmount)]
    [InlineData(11, RejectionReasons.UnknownCurrency)]
    [InlineData(12, null)] // currency-not-accepted: decided by the engine's configured rates, not the parser
    [InlineData(13, null)] // duplicate-order: decided by the customer's state
    [InlineData(14, RejectionReasons.InvalidField)]
    [InlineData(15, RejectionReasons.MissingField)]
    [InlineData(16, RejectionReasons.NegativeAmount)]
    [InlineData(17, null)] // insufficient-points: decided by the customer's state
    [InlineData(18, null)] // unknown-order: decided by the customer's state
    [InlineData(19, null)] // refund-exceeds-order: decided by the customer's state
    public void Every_bad_example_is_refused_as_documented(int line, string? reason)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryLayout.Root, "docs", "examples", "bad-events.jsonl"));

        var parsed = Parse(lines[line - 1]);

        Assert.Equal(reason, parsed.Reason);
        Assert.Equal(reason is null, parsed.IsValid);
    }

    [Fact]
    public void Every_bad_example_line_is_covered_by_the_test()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryLayout.Root, "docs", "examples", "bad-events.jsonl"));

        Assert.Equal(19, lines.Count(l => !string.IsNullOrWhiteSpace(l)));
    }

    [Fact]
    public void Every_loyalty_example_event_is_valid()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryLayout.Root, "docs", "examples", "loyalty-events.jsonl"))
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .ToList();

        Assert.NotEmpty(lines);
        for (var i = 0; i < lines.Count; i++)
        {
            var customerId = JsonNode.Parse(lines[i])!["customerId"]!.GetValue<string>();
            var parsed = Parse(lines[i], key: customerId);
            Assert.True(parsed.IsValid, $"line {i + 1}: {parsed.Reason} ({parsed.Detail})");
        }

        // The file shows every loyalty event type.
        Assert.Equal(
            [EventTypes.PointsAdjusted, EventTypes.PointsRedeemed, EventTypes.Purchase, EventTypes.Refund],
            lines.Select(l => Parse(l).Event!.Type).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Refund_maps_every_field()
    {
        var refund = Assert.IsType<RefundEvent>(Parse(Refund, "c-1001").Event);

        Assert.Equal(EventTypes.Refund, refund.Type);
        Assert.Equal("evt-r1", refund.EventId);
        Assert.Equal("c-1001", refund.CustomerId);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 5, 0, TimeSpan.FromHours(1)), refund.OccurredAt);
        Assert.Equal("ord-558201", refund.OrderId);
        Assert.Equal(12.50m, refund.Amount);
        Assert.Equal("EUR", refund.Currency);
    }

    [Fact]
    public void Refund_and_adjustment_ids_are_read_when_given_and_optional()
    {
        Assert.Equal("rf-77", Assert.IsType<RefundEvent>(Parse(With(Refund, "refundId", "rf-77")).Event).RefundId);
        Assert.Null(Assert.IsType<RefundEvent>(Parse(Refund).Event).RefundId);
        Assert.Equal("adj-77", Assert.IsType<PointsAdjustedEvent>(Parse(With(Adjusted, "adjustmentId", "adj-77")).Event).AdjustmentId);
        Assert.Null(Assert.IsType<PointsAdjustedEvent>(Parse(Adjusted).Event).AdjustmentId);
    }

    [Fact]
    public void Refund_of_zero_is_accepted()
    {
        Assert.Equal(0m, Assert.IsType<RefundEvent>(Parse(With(Refund, "amount", 0)).Event).Amount);
    }

    [Fact]
    public void Redemption_maps_every_field()
    {
        var redemption = Assert.IsType<PointsRedeemedEvent>(Parse(Redeemed, "c-1001").Event);

        Assert.Equal(EventTypes.PointsRedeemed, redemption.Type);
        Assert.Equal("evt-pr1", redemption.EventId);
        Assert.Equal("c-1001", redemption.CustomerId);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero), redemption.OccurredAt);
        Assert.Equal(250, redemption.Points);
        Assert.Equal("voucher", redemption.Reason);
        Assert.Equal("vch-00917", redemption.RedemptionId);
    }

    [Fact]
    public void Redemption_reason_and_id_are_optional()
    {
        var redemption = Assert.IsType<PointsRedeemedEvent>(Parse(Without(With(Redeemed, "reason", null), "redemptionId")).Event);

        Assert.Null(redemption.Reason);
        Assert.Null(redemption.RedemptionId);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(1_000_000_000_000L)]
    public void Redemption_points_at_their_limits_are_accepted(long points)
    {
        Assert.Equal(points, Assert.IsType<PointsRedeemedEvent>(Parse(With(Redeemed, "points", points)).Event).Points);
    }

    [Theory]
    [InlineData(-40L)]
    [InlineData(500L)]
    [InlineData(-1_000_000_000_000L)]
    [InlineData(1_000_000_000_000L)]
    public void Adjustment_maps_every_field_for_grants_and_removals(long points)
    {
        var adjustment = Assert.IsType<PointsAdjustedEvent>(Parse(With(Adjusted, "points", points), "c-1001").Event);

        Assert.Equal(EventTypes.PointsAdjusted, adjustment.Type);
        Assert.Equal("evt-pa1", adjustment.EventId);
        Assert.Equal("c-1001", adjustment.CustomerId);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 11, 0, 0, TimeSpan.FromHours(1)), adjustment.OccurredAt);
        Assert.Equal(points, adjustment.Points);
        Assert.Equal("goodwill grant reversed: duplicate ticket", adjustment.Reason);
    }

    [Fact]
    public void Purchase_maps_every_field()
    {
        var purchase = Assert.IsType<PurchaseEvent>(Parse(Purchase, "c-1001").Event);

        Assert.Equal(EventTypes.Purchase, purchase.Type);
        Assert.Equal("evt-p1", purchase.EventId);
        Assert.Equal("c-1001", purchase.CustomerId);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 26, 12, TimeSpan.FromHours(1)), purchase.OccurredAt);
        Assert.Equal(TimeSpan.FromHours(1), purchase.OccurredAt.Offset);
        Assert.Equal("ord-558201", purchase.OrderId);
        Assert.Equal(102.40m, purchase.Amount);
        Assert.Equal("EUR", purchase.Currency);
        Assert.Equal(
            [new PurchaseLine("SKU-RUN-42", "Trail running shoe", 1, 89.90m), new PurchaseLine("SKU-SOCK-3P", null, 2, 6.25m)],
            purchase.Items);
        Assert.Equal("store", purchase.Channel);
        Assert.Equal("NYC-05", purchase.Store);
        Assert.Equal("New York, NY", purchase.Location);
    }

    [Fact]
    public void Purchase_may_have_no_items_and_no_optional_fields()
    {
        var json = Without(Without(Without(With(Purchase, "items", new JsonArray()), "channel"), "store"), "location");

        var purchase = Assert.IsType<PurchaseEvent>(Parse(json).Event);

        Assert.Empty(purchase.Items);
        Assert.Null(purchase.Channel);
        Assert.Null(purchase.Store);
        Assert.Null(purchase.Location);
    }

    [Fact]
    public void Zero_amount_and_zero_unit_price_are_accepted()
    {
        var json = With(With(Purchase, "amount", 0), "items.0.unitPrice", 0);

        var purchase = Assert.IsType<PurchaseEvent>(Parse(json).Event);

        Assert.Equal(0m, purchase.Amount);
        Assert.Equal(0m, purchase.Items[0].UnitPrice);
    }

    [Fact]
    public void Click_maps_every_field()
    {
        var click = Assert.IsType<ClickEvent>(Parse(AddToCart, "c-1001").Event);

        Assert.Equal(EventTypes.Click, click.Type);
        Assert.Equal("evt-k1", click.EventId);
        Assert.Equal("c-1001", click.CustomerId);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 19, 10, TimeSpan.FromHours(1)), click.OccurredAt);
        Assert.Equal(ClickAction.AddToCart, click.Action);
        Assert.Equal("s-7f3a", click.SessionId);
        Assert.Equal("https://shop.example/fr/p/SKU-CAP-01", click.Url);
        Assert.Equal("SKU-CAP-01", click.Sku);
        Assert.Equal(2, click.Quantity);
        Assert.Equal(19.00m, click.UnitPrice);
        Assert.Equal("Running cap", click.ProductName);
    }

    [Fact]
    public void Click_optional_fields_may_be_absent()
    {
        var json = """{"type":"click","eventId":"e-1","customerId":"c-1001","occurredAt":"2026-11-23T10:15:00Z","action":"page_view","sessionId":"s-1"}""";

        var click = Assert.IsType<ClickEvent>(Parse(json).Event);

        Assert.Equal(ClickAction.PageView, click.Action);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 15, 0, TimeSpan.Zero), click.OccurredAt);
        Assert.Null(click.Url);
        Assert.Null(click.Sku);
        Assert.Null(click.Quantity);
        Assert.Null(click.UnitPrice);
        Assert.Null(click.ProductName);
    }

    [Theory]
    [InlineData("page_view", ClickAction.PageView)]
    [InlineData("product_view", ClickAction.ProductView)]
    [InlineData("add_to_cart", ClickAction.AddToCart)]
    [InlineData("remove_from_cart", ClickAction.RemoveFromCart)]
    [InlineData("checkout_started", ClickAction.CheckoutStarted)]
    public void Every_click_action_maps(string action, ClickAction expected)
    {
        var click = Assert.IsType<ClickEvent>(Parse(With(AddToCart, "action", action)).Event);

        Assert.Equal(expected, click.Action);
    }

    [Fact]
    public void Customer_maps_every_field()
    {
        var profile = Assert.IsType<CustomerProfileEvent>(Parse(Customer, "c-1001").Event);

        Assert.Equal(EventTypes.Customer, profile.Type);
        Assert.Equal("evt-c1", profile.EventId);
        Assert.Equal("c-1001", profile.CustomerId);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 9, 12, 0, TimeSpan.FromHours(1)), profile.OccurredAt);
        Assert.Equal("Camille", profile.FirstName);
        Assert.Equal("+14155550123", profile.Phone);
        Assert.Equal("Europe/Paris", profile.TimeZone);
        Assert.Equal("fr-FR", profile.Locale);
        Assert.Equal(new DateOnly(1991, 4, 17), profile.Birthday);
        Assert.Equal(new SmsConsent(ConsentStatus.OptedIn, "web-form", new DateTimeOffset(2026, 11, 2, 9, 12, 0, TimeSpan.FromHours(1))), profile.SmsConsent);
    }

    [Fact]
    public void Consent_opted_out_maps_with_its_own_time()
    {
        var json = With(Customer, "smsConsent", new JsonObject { ["status"] = "opted_out", ["source"] = "sms-keyword", ["at"] = "2026-11-20T14:29:41Z" });

        var profile = Assert.IsType<CustomerProfileEvent>(Parse(json).Event);

        Assert.Equal(new SmsConsent(ConsentStatus.OptedOut, "sms-keyword", new DateTimeOffset(2026, 11, 20, 14, 29, 41, TimeSpan.Zero)), profile.SmsConsent);
    }

    [Fact]
    public void Customer_with_only_common_fields_leaves_everything_null()
    {
        var json = """{"type":"customer","eventId":"e-1","customerId":"c-1001","occurredAt":"2026-11-02T09:12:00+01:00","firstName":null,"smsConsent":null}""";

        var profile = Assert.IsType<CustomerProfileEvent>(Parse(json).Event);

        Assert.Null(profile.FirstName);
        Assert.Null(profile.Phone);
        Assert.Null(profile.TimeZone);
        Assert.Null(profile.Locale);
        Assert.Null(profile.Birthday);
        Assert.Null(profile.SmsConsent);
    }

    [Fact]
    public void Unknown_fields_are_ignored()
    {
        var json = With(With(Purchase, "couponCode", "BLACKFRIDAY"), "items.0.color", "red");

        Assert.True(Parse(json).IsValid);
    }

    [Fact]
    public void Fields_at_their_maximum_length_are_accepted()
    {
        var json = With(With(AddToCart, "eventId", new string('e', 128)), "customerId", new string('c', 128));

        var click = Assert.IsType<ClickEvent>(Parse(json, new string('c', 128)).Event);

        Assert.Equal(128, click.EventId.Length);
    }

    [Fact]
    public void Escaped_strings_and_property_names_read_as_their_text()
    {
        var json = """
            {"type":"click","eventId":"evt-\u00e9\"1","customerId":"c-1001","occurredAt":"2026-11-23T10:15:00\u005A",
             "\u0061ction":"page_view","sessionId":"s\/1"}
            """;

        var click = Assert.IsType<ClickEvent>(Parse(json).Event);

        Assert.Equal("evt-é\"1", click.EventId);
        Assert.Equal("s/1", click.SessionId);
        Assert.Equal(ClickAction.PageView, click.Action);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 15, 0, TimeSpan.Zero), click.OccurredAt);
    }

    [Fact]
    public void A_repeated_field_takes_its_last_value()
    {
        var json = Purchase.Replace("\"orderId\":\"ord-558201\"", "\"orderId\":\"ord-1\",\"orderId\":\"ord-2\"", StringComparison.Ordinal);

        var purchase = Assert.IsType<PurchaseEvent>(Parse(json).Event);

        Assert.Equal("ord-2", purchase.OrderId);
    }

    [Fact]
    public void Unknown_nested_objects_and_arrays_are_skipped_at_any_depth()
    {
        var json = Purchase.Replace("\"channel\":\"store\"",
            "\"meta\":{\"a\":[1,{\"orderId\":\"x\"},[[]]],\"amount\":\"y\"},\"tags\":[\"a\",{\"sku\":1}],\"channel\":\"store\"",
            StringComparison.Ordinal);

        var purchase = Assert.IsType<PurchaseEvent>(Parse(json).Event);

        Assert.Equal("ord-558201", purchase.OrderId);
        Assert.Equal(102.40m, purchase.Amount);
        Assert.Equal("store", purchase.Channel);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "whitespace only")]
    [InlineData("{\"type\":\"click\"} {}", "a second value after the event")]
    [InlineData("{\"type\":\"click\",}", "trailing comma")]
    [InlineData("{\"type\":\"click\" /* note */}", "a comment")]
    [InlineData("{\"type\":\"click\"", "unterminated object")]
    [InlineData("[1,2", "unterminated array")]
    [InlineData("\"purchase\"", "a string, not an object")]
    [InlineData("null", "null")]
    public void Anything_but_one_JSON_object_is_invalid_json(string json, string why)
    {
        var parsed = Parse(json);

        Assert.Equal(RejectionReasons.InvalidJson, parsed.Reason);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Detail), why);
    }

    [Fact]
    public void Nesting_deeper_than_64_is_invalid_json_however_it_is_placed()
    {
        var deep = new string('[', 70) + new string(']', 70);
        var json = Purchase.Replace("\"channel\":\"store\"", "\"deep\":" + deep + ",\"channel\":\"store\"", StringComparison.Ordinal);

        Assert.Equal(RejectionReasons.InvalidJson, Parse(json).Reason);
    }

    [Theory]
    [InlineData("\"items\":[{\"sku\":\"a\",\"quantity\":1,\"unitPrice\":1},7]", "items must contain objects")]
    [InlineData("\"items\":{\"sku\":\"a\"}", "items must be an array")]
    [InlineData("\"items\":[{\"sku\":7,\"quantity\":1,\"unitPrice\":1}]", "sku must be a string")]
    [InlineData("\"items\":[{\"sku\":\"a\",\"quantity\":1.5,\"unitPrice\":1}]", "quantity must be a whole number of at least 1")]
    [InlineData("\"items\":[{\"sku\":\"a\",\"quantity\":1,\"unitPrice\":\"1\"}]", "unitPrice must be a number")]
    public void A_bad_item_names_the_field_and_the_problem(string items, string detail)
    {
        var json = System.Text.RegularExpressions.Regex.Replace(Purchase, "\"items\":\\[.*?\\],\\s*\"channel\"", items + ",\"channel\"",
            System.Text.RegularExpressions.RegexOptions.Singleline);

        var parsed = Parse(json);

        Assert.Equal(RejectionReasons.InvalidField, parsed.Reason);
        Assert.Equal(detail, parsed.Detail);
    }

    [Theory]
    [InlineData("\"smsConsent\":[\"opted_in\"]", RejectionReasons.InvalidField, "smsConsent must be an object")]
    [InlineData("\"smsConsent\":{\"status\":\"opted_in\",\"source\":\"web\"}", RejectionReasons.MissingField, "at is required")]
    [InlineData("\"smsConsent\":{\"status\":\"maybe\",\"source\":\"web\",\"at\":\"2026-11-02T09:12:00Z\"}", RejectionReasons.InvalidField, "smsConsent.status must be opted_in or opted_out")]
    public void A_bad_consent_names_the_field_and_the_problem(string consent, string reason, string detail)
    {
        var json = System.Text.RegularExpressions.Regex.Replace(Customer, "\"smsConsent\":\\{.*?\\}", consent,
            System.Text.RegularExpressions.RegexOptions.Singleline);

        var parsed = Parse(json);

        Assert.Equal(reason, parsed.Reason);
        Assert.Equal(detail, parsed.Detail);
    }
}

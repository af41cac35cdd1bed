using System.Globalization;
using System.Text;
using System.Text.Json;
using Engine.Domain.Customers;
using Engine.Domain.Events;
using Engine.Domain.Processing;
using Engine.Domain.Value;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Reads and validates events of contract v1 (docs/events.md). Every refusal names a reason
/// from <see cref="RejectionReasons"/> and a detail that names the field but never echoes
/// its value, so dead letters and logs carry no personal data.
/// </summary>
public sealed partial class EventParser(int maxEventBytes = EventParser.DefaultMaxEventBytes, EventBounds? bounds = null)
{
    private readonly EventBounds _bounds = bounds ?? new EventBounds();

    public const int DefaultMaxEventBytes = 64 * 1024;
    private const int MaxIdLength = 128;
    private const int MaxReasonLength = 256;
    private const long MaxPoints = 1_000_000_000_000;

    public ParsedEvent Parse(ReadOnlySpan<byte> key, ReadOnlyMemory<byte> value)
    {
        if (value.Length > maxEventBytes)
        {
            return ParsedEvent.Invalid(RejectionReasons.OversizedPayload, $"payload of {value.Length} bytes exceeds {maxEventBytes}");
        }

        // Invalid UTF-8 inside a string only fails when the string is read: refuse it up front.
        if (!System.Text.Unicode.Utf8.IsValid(value.Span))
        {
            return ParsedEvent.Invalid(RejectionReasons.InvalidJson, "payload is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(value);
        }
        catch (JsonException ex)
        {
            return ParsedEvent.Invalid(RejectionReasons.InvalidJson, $"not valid JSON (line {ex.LineNumber}, byte {ex.BytePositionInLine})");
        }

        using (document)
        {
            try
            {
                var parsed = ParseRoot(document.RootElement);
                if (parsed.Event is { } e && key.Length > 0 && !KeyMatches(key, e.CustomerId))
                {
                    return ParsedEvent.Invalid(RejectionReasons.KeyMismatch, "Kafka key differs from customerId");
                }

                return _bounds.Check(parsed);
            }
            catch (InvalidEventException ex)
            {
                return ParsedEvent.Invalid(ex.Reason, ex.Message);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException)
            {
                // Whatever else a reader can throw on strange input must not stop the partition.
                return ParsedEvent.Invalid(RejectionReasons.InvalidJson, "could not be read: " + ex.GetType().Name);
            }
        }
    }

    private static bool KeyMatches(ReadOnlySpan<byte> key, string customerId)
    {
        Span<byte> buffer = stackalloc byte[Encoding.UTF8.GetMaxByteCount(customerId.Length)];
        var length = Encoding.UTF8.GetBytes(customerId, buffer);
        return key.SequenceEqual(buffer[..length]);
    }

    private static ParsedEvent ParseRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return ParsedEvent.Invalid(RejectionReasons.InvalidJson, "an event must be a JSON object");
        }

        var type = OptionalString(root, "type", 32);
        CustomerEvent parsed = type switch
        {
            null => throw Missing("type"),
            EventTypes.Purchase => ParsePurchase(root),
            EventTypes.Click => ParseClick(root),
            EventTypes.Customer => ParseProfile(root),
            EventTypes.Refund => ParseRefund(root),
            EventTypes.PointsRedeemed => ParsePointsRedeemed(root),
            EventTypes.PointsAdjusted => ParsePointsAdjusted(root),
            _ => throw new InvalidEventException(RejectionReasons.UnknownType, "unknown event type"),
        };
        return ParsedEvent.Valid(parsed);
    }

    private static PurchaseEvent ParsePurchase(JsonElement root)
    {
        var currency = RequiredString(root, "currency", 3);
        if (!CurrencyCodes.IsKnown(currency))
        {
            throw new InvalidEventException(RejectionReasons.UnknownCurrency, "currency is not an active ISO 4217 code");
        }

        var items = new List<PurchaseLine>();
        if (!root.TryGetProperty("items", out var itemsElement) || itemsElement.ValueKind == JsonValueKind.Null)
        {
            throw Missing("items");
        }

        if (itemsElement.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("items", "must be an array");
        }

        foreach (var item in itemsElement.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("items", "must contain objects");
            }

            items.Add(new PurchaseLine(
                RequiredString(item, "sku", MaxIdLength),
                OptionalString(item, "name", 256),
                RequiredPositiveInt(item, "quantity"),
                RequiredAmount(item, "unitPrice")));
        }

        return new PurchaseEvent
        {
            EventId = RequiredString(root, "eventId", MaxIdLength),
            CustomerId = RequiredString(root, "customerId", MaxIdLength),
            OccurredAt = RequiredTimestamp(root, "occurredAt"),
            OrderId = RequiredString(root, "orderId", MaxIdLength),
            Amount = RequiredAmount(root, "amount"),
            Currency = currency,
            Items = items,
            Channel = OptionalString(root, "channel", MaxIdLength),
            Store = OptionalString(root, "store", MaxIdLength),
            Location = OptionalString(root, "location", MaxIdLength),
        };
    }

    private static RefundEvent ParseRefund(JsonElement root)
    {
        var currency = RequiredString(root, "currency", 3);
        if (!CurrencyCodes.IsKnown(currency))
        {
            throw new InvalidEventException(RejectionReasons.UnknownCurrency, "currency is not an active ISO 4217 code");
        }

        return new RefundEvent
        {
            EventId = RequiredString(root, "eventId", MaxIdLength),
            CustomerId = RequiredString(root, "customerId", MaxIdLength),
            OccurredAt = RequiredTimestamp(root, "occurredAt"),
            OrderId = RequiredString(root, "orderId", MaxIdLength),
            Amount = RequiredAmount(root, "amount"),
            Currency = currency,
        };
    }

    private static PointsRedeemedEvent ParsePointsRedeemed(JsonElement root)
    {
        var points = RequiredPoints(root, "points");
        if (points < 1)
        {
            throw Invalid("points", "must be at least 1");
        }

        return new PointsRedeemedEvent
        {
            EventId = RequiredString(root, "eventId", MaxIdLength),
            CustomerId = RequiredString(root, "customerId", MaxIdLength),
            OccurredAt = RequiredTimestamp(root, "occurredAt"),
            Points = points,
            Reason = OptionalString(root, "reason", MaxReasonLength),
            RedemptionId = OptionalString(root, "redemptionId", MaxIdLength),
        };
    }

    private static PointsAdjustedEvent ParsePointsAdjusted(JsonElement root)
    {
        var points = RequiredPoints(root, "points");
        if (points == 0)
        {
            throw Invalid("points", "must not be 0");
        }

        return new PointsAdjustedEvent
        {
            EventId = RequiredString(root, "eventId", MaxIdLength),
            CustomerId = RequiredString(root, "customerId", MaxIdLength),
            OccurredAt = RequiredTimestamp(root, "occurredAt"),
            Points = points,
            Reason = RequiredString(root, "reason", MaxReasonLength),
        };
    }

    private static ClickEvent ParseClick(JsonElement root)
    {
        var action = RequiredString(root, "action", 32) switch
        {
            "page_view" => ClickAction.PageView,
            "product_view" => ClickAction.ProductView,
            "add_to_cart" => ClickAction.AddToCart,
            "remove_from_cart" => ClickAction.RemoveFromCart,
            "checkout_started" => ClickAction.CheckoutStarted,
            _ => throw Invalid("action", "is not a known click action"),
        };
        var sku = OptionalString(root, "sku", MaxIdLength);
        if (sku is null && action is ClickAction.AddToCart or ClickAction.RemoveFromCart)
        {
            throw Missing("sku");
        }

        return new ClickEvent
        {
            EventId = RequiredString(root, "eventId", MaxIdLength),
            CustomerId = RequiredString(root, "customerId", MaxIdLength),
            OccurredAt = RequiredTimestamp(root, "occurredAt"),
            Action = action,
            SessionId = RequiredString(root, "sessionId", MaxIdLength),
            Url = OptionalString(root, "url", 2048),
            Sku = sku,
            Quantity = OptionalPositiveInt(root, "quantity"),
            UnitPrice = OptionalAmount(root, "unitPrice"),
            ProductName = OptionalString(root, "productName", 256),
        };
    }

    private static CustomerProfileEvent ParseProfile(JsonElement root)
    {
        var phone = OptionalString(root, "phone", 16);
        if (phone is not null && !ContactRules.IsE164(phone))
        {
            throw Invalid("phone", "is not an E.164 number");
        }

        var timeZone = OptionalString(root, "timeZone", 64);
        if (timeZone is not null && !ContactRules.IsKnownTimeZone(timeZone))
        {
            throw Invalid("timeZone", "is not a known IANA time zone");
        }

        var locale = OptionalString(root, "locale", 35);
        if (locale is not null && !IsLocaleTag(locale))
        {
            throw Invalid("locale", "is not a BCP 47 language tag");
        }

        DateOnly? birthday = null;
        if (OptionalString(root, "birthday", 10) is { } birthdayText)
        {
            birthday = DateOnly.TryParseExact(birthdayText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var b)
                ? b
                : throw Invalid("birthday", "must be a date YYYY-MM-DD");
        }

        SmsConsent? consent = null;
        if (root.TryGetProperty("smsConsent", out var consentElement) && consentElement.ValueKind != JsonValueKind.Null)
        {
            if (consentElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("smsConsent", "must be an object");
            }

            var status = RequiredString(consentElement, "status", 16) switch
            {
                "opted_in" => ConsentStatus.OptedIn,
                "opted_out" => ConsentStatus.OptedOut,
                _ => throw Invalid("smsConsent.status", "must be opted_in or opted_out"),
            };
            consent = new SmsConsent(status, RequiredString(consentElement, "source", 64), RequiredTimestamp(consentElement, "at"));
        }

        return new CustomerProfileEvent
        {
            EventId = RequiredString(root, "eventId", MaxIdLength),
            CustomerId = RequiredString(root, "customerId", MaxIdLength),
            OccurredAt = RequiredTimestamp(root, "occurredAt"),
            FirstName = OptionalString(root, "firstName", 100),
            Phone = phone,
            TimeZone = timeZone,
            Locale = locale,
            Birthday = birthday,
            SmsConsent = consent,
        };
    }

    // Shape check only: a language subtag of 2-8 letters, then alphanumeric subtags of 1-8.
    private static bool IsLocaleTag(string tag) => LocaleTag().IsMatch(tag);

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?([Zz]|[+-][0-9]{2}:[0-9]{2})$")]
    private static partial System.Text.RegularExpressions.Regex Rfc3339();

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")]
    private static partial System.Text.RegularExpressions.Regex LocaleTag();

    private static string RequiredString(JsonElement parent, string name, int maxLength) =>
        OptionalString(parent, name, maxLength) ?? throw Missing(name);

    private static string? OptionalString(JsonElement parent, string name, int maxLength)
    {
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            throw Invalid(name, "must be a string");
        }

        var text = element.GetString()!;
        if (text.Length == 0)
        {
            throw Missing(name);
        }

        return text.Length > maxLength ? throw Invalid(name, $"is longer than {maxLength} characters") : text;
    }

    private static DateTimeOffset RequiredTimestamp(JsonElement parent, string name)
    {
        var text = RequiredString(parent, name, 40);
        // RFC 3339 only, offset required: a local time without one is ambiguous across time zones.
        if (!Rfc3339().IsMatch(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            throw Invalid(name, "must be an ISO 8601 date-time with an offset");
        }

        return at;
    }

    private static decimal RequiredAmount(JsonElement parent, string name) => OptionalAmount(parent, name) ?? throw Missing(name);

    private static decimal? OptionalAmount(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDecimal(out var amount))
        {
            throw Invalid(name, "must be a number");
        }

        return amount < 0 ? throw new InvalidEventException(RejectionReasons.NegativeAmount, $"{name} is negative") : amount;
    }

    private static int RequiredPositiveInt(JsonElement parent, string name) => OptionalPositiveInt(parent, name) ?? throw Missing(name);

    private static int? OptionalPositiveInt(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var value) || value < 1)
        {
            throw Invalid(name, "must be a whole number of at least 1");
        }

        return value;
    }

    private static long RequiredPoints(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            throw Missing(name);
        }

        // Whole points only, within ±MaxPoints: 1e3 or 10.0 are numbers but not the integers the contract asks for.
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var value) || value is < -MaxPoints or > MaxPoints)
        {
            throw Invalid(name, $"must be a whole number between -{MaxPoints} and {MaxPoints}");
        }

        return value;
    }

    private static InvalidEventException Missing(string name) => new(RejectionReasons.MissingField, $"{name} is required");

    private static InvalidEventException Invalid(string name, string problem) => new(RejectionReasons.InvalidField, $"{name} {problem}");

    private sealed class InvalidEventException(string reason, string message) : Exception(message)
    {
        public string Reason { get; } = reason;
    }
}

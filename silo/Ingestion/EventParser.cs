using System.Globalization;
using System.Text;
using System.Text.Json;
using Engine.Domain.Customers;
using Engine.Domain.Events;
using Engine.Domain.Processing;
using Engine.Domain.Sms;
using Engine.Domain.Value;
using Engine.Silo.Ingestion.Parsing;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Reads and validates events of contract v1 (docs/events.md). Every refusal names a reason
/// from <see cref="RejectionReasons"/> and a detail that names the field but never echoes
/// its value, so dead letters and logs carry no personal data.
/// </summary>
public sealed partial class EventParser(int maxEventBytes = EventParser.DefaultMaxEventBytes, EventBounds? bounds = null, string? defaultRegion = null)
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

        EventPayload payload;
        try
        {
            payload = EventPayload.Read(value.Span);
        }
        catch (JsonException ex)
        {
            return ParsedEvent.Invalid(RejectionReasons.InvalidJson, $"not valid JSON (line {ex.LineNumber}, byte {ex.BytePositionInLine})");
        }

        try
        {
            var parsed = ParseEvent(ref payload, defaultRegion);
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

    private static bool KeyMatches(ReadOnlySpan<byte> key, string customerId)
    {
        Span<byte> buffer = stackalloc byte[Encoding.UTF8.GetMaxByteCount(customerId.Length)];
        var length = Encoding.UTF8.GetBytes(customerId, buffer);
        return key.SequenceEqual(buffer[..length]);
    }

    private static ParsedEvent ParseEvent(ref EventPayload e, string? defaultRegion)
    {
        if (!e.IsObject)
        {
            return ParsedEvent.Invalid(RejectionReasons.InvalidJson, "an event must be a JSON object");
        }

        var type = e.OptionalString(e[EventField.Type], "type", 32);
        CustomerEvent parsed = type switch
        {
            null => throw EventRefusal.Missing("type"),
            EventTypes.Purchase => ParsePurchase(ref e),
            EventTypes.Click => ParseClick(ref e),
            EventTypes.Customer => ParseProfile(ref e, defaultRegion),
            EventTypes.Refund => ParseRefund(ref e),
            EventTypes.PointsRedeemed => ParsePointsRedeemed(ref e),
            EventTypes.PointsAdjusted => ParsePointsAdjusted(ref e),
            EventTypes.Referral => ParseReferral(ref e),
            _ => throw new InvalidEventException(RejectionReasons.UnknownType, "unknown event type"),
        };
        return ParsedEvent.Valid(parsed);
    }

    private static string KnownCurrency(ref EventPayload e)
    {
        var currency = e.RequiredString(e[EventField.Currency], "currency", 3);
        return CurrencyCodes.IsKnown(currency)
            ? currency
            : throw new InvalidEventException(RejectionReasons.UnknownCurrency, "currency is not an active ISO 4217 code");
    }

    private static PurchaseEvent ParsePurchase(ref EventPayload e)
    {
        var currency = KnownCurrency(ref e);
        var itemsValue = e[EventField.Items];
        if (itemsValue.IsAbsent)
        {
            throw EventRefusal.Missing("items");
        }

        if (itemsValue.Kind != JsonTokenType.StartArray)
        {
            throw EventRefusal.Invalid("items", "must be an array");
        }

        var items = new List<PurchaseLine>(e.Items.Count);
        foreach (var item in e.Items)
        {
            if (!item.IsObject)
            {
                throw EventRefusal.Invalid("items", "must contain objects");
            }

            items.Add(new PurchaseLine(
                e.RequiredString(item.Sku, "sku", MaxIdLength),
                e.OptionalString(item.Name, "name", 256),
                e.RequiredPositiveInt(item.Quantity, "quantity"),
                e.RequiredAmount(item.UnitPrice, "unitPrice")));
        }

        return new PurchaseEvent
        {
            EventId = e.RequiredString(e[EventField.EventId], "eventId", MaxIdLength),
            CustomerId = e.RequiredString(e[EventField.CustomerId], "customerId", MaxIdLength),
            OccurredAt = e.RequiredTimestamp(e[EventField.OccurredAt], "occurredAt"),
            OrderId = e.RequiredString(e[EventField.OrderId], "orderId", MaxIdLength),
            Amount = e.RequiredAmount(e[EventField.Amount], "amount"),
            Currency = currency,
            Items = items,
            Channel = e.OptionalString(e[EventField.Channel], "channel", MaxIdLength),
            Store = e.OptionalString(e[EventField.Store], "store", MaxIdLength),
            Location = e.OptionalString(e[EventField.Location], "location", MaxIdLength),
        };
    }

    private static RefundEvent ParseRefund(ref EventPayload e)
    {
        var currency = KnownCurrency(ref e);
        return new RefundEvent
        {
            EventId = e.RequiredString(e[EventField.EventId], "eventId", MaxIdLength),
            CustomerId = e.RequiredString(e[EventField.CustomerId], "customerId", MaxIdLength),
            OccurredAt = e.RequiredTimestamp(e[EventField.OccurredAt], "occurredAt"),
            OrderId = e.RequiredString(e[EventField.OrderId], "orderId", MaxIdLength),
            Amount = e.RequiredAmount(e[EventField.Amount], "amount"),
            Currency = currency,
            RefundId = e.OptionalString(e[EventField.RefundId], "refundId", MaxIdLength),
        };
    }

    private static PointsRedeemedEvent ParsePointsRedeemed(ref EventPayload e)
    {
        var points = e.RequiredWholeNumber(e[EventField.Points], "points", MaxPoints);
        if (points < 1)
        {
            throw EventRefusal.Invalid("points", "must be at least 1");
        }

        return new PointsRedeemedEvent
        {
            EventId = e.RequiredString(e[EventField.EventId], "eventId", MaxIdLength),
            CustomerId = e.RequiredString(e[EventField.CustomerId], "customerId", MaxIdLength),
            OccurredAt = e.RequiredTimestamp(e[EventField.OccurredAt], "occurredAt"),
            Points = points,
            Reason = e.OptionalString(e[EventField.Reason], "reason", MaxReasonLength),
            RedemptionId = e.OptionalString(e[EventField.RedemptionId], "redemptionId", MaxIdLength),
        };
    }

    private static ReferralEvent ParseReferral(ref EventPayload e)
    {
        var customerId = e.RequiredString(e[EventField.CustomerId], "customerId", MaxIdLength);
        var referrerId = e.RequiredString(e[EventField.ReferrerId], "referrerId", MaxIdLength);
        if (string.Equals(customerId, referrerId, StringComparison.Ordinal))
        {
            throw EventRefusal.Invalid("referrerId", "must not be the referred customer");
        }

        return new ReferralEvent
        {
            EventId = e.RequiredString(e[EventField.EventId], "eventId", MaxIdLength),
            CustomerId = customerId,
            OccurredAt = e.RequiredTimestamp(e[EventField.OccurredAt], "occurredAt"),
            ReferrerId = referrerId,
        };
    }

    private static PointsAdjustedEvent ParsePointsAdjusted(ref EventPayload e)
    {
        var points = e.RequiredWholeNumber(e[EventField.Points], "points", MaxPoints);
        if (points == 0)
        {
            throw EventRefusal.Invalid("points", "must not be 0");
        }

        return new PointsAdjustedEvent
        {
            EventId = e.RequiredString(e[EventField.EventId], "eventId", MaxIdLength),
            CustomerId = e.RequiredString(e[EventField.CustomerId], "customerId", MaxIdLength),
            OccurredAt = e.RequiredTimestamp(e[EventField.OccurredAt], "occurredAt"),
            Points = points,
            Reason = e.RequiredString(e[EventField.Reason], "reason", MaxReasonLength),
            AdjustmentId = e.OptionalString(e[EventField.AdjustmentId], "adjustmentId", MaxIdLength),
        };
    }

    private static ClickEvent ParseClick(ref EventPayload e)
    {
        var action = e.RequiredString(e[EventField.Action], "action", 32) switch
        {
            "page_view" => ClickAction.PageView,
            "product_view" => ClickAction.ProductView,
            "add_to_cart" => ClickAction.AddToCart,
            "remove_from_cart" => ClickAction.RemoveFromCart,
            "checkout_started" => ClickAction.CheckoutStarted,
            _ => throw EventRefusal.Invalid("action", "is not a known click action"),
        };
        var sku = e.OptionalString(e[EventField.Sku], "sku", MaxIdLength);
        if (sku is null && action is ClickAction.AddToCart or ClickAction.RemoveFromCart)
        {
            throw EventRefusal.Missing("sku");
        }

        return new ClickEvent
        {
            EventId = e.RequiredString(e[EventField.EventId], "eventId", MaxIdLength),
            CustomerId = e.RequiredString(e[EventField.CustomerId], "customerId", MaxIdLength),
            OccurredAt = e.RequiredTimestamp(e[EventField.OccurredAt], "occurredAt"),
            Action = action,
            SessionId = e.RequiredString(e[EventField.SessionId], "sessionId", MaxIdLength),
            Url = e.OptionalString(e[EventField.Url], "url", 2048),
            Sku = sku,
            Quantity = e.OptionalPositiveInt(e[EventField.Quantity], "quantity"),
            UnitPrice = e.OptionalAmount(e[EventField.UnitPrice], "unitPrice"),
            ProductName = e.OptionalString(e[EventField.ProductName], "productName", 256),
        };
    }

    private static CustomerProfileEvent ParseProfile(ref EventPayload e, string? defaultRegion)
    {
        // Kept in E.164 whatever the producer wrote ("+33 6 12 34 56 78", a national format with Sms:Numbers:DefaultRegion).
        string? phone = null;
        if (e.OptionalString(e[EventField.Phone], "phone", 32) is { } written && !NumberNormalisation.TryToE164(written, defaultRegion, out phone))
        {
            throw EventRefusal.Invalid("phone", "is not a phone number (E.164, or national with Sms:Numbers:DefaultRegion)");
        }

        var timeZone = e.OptionalString(e[EventField.TimeZone], "timeZone", 64);
        if (timeZone is not null && !ContactRules.IsKnownTimeZone(timeZone))
        {
            throw EventRefusal.Invalid("timeZone", "is not a known IANA time zone");
        }

        var locale = e.OptionalString(e[EventField.Locale], "locale", 35);
        if (locale is not null && !IsLocaleTag(locale))
        {
            throw EventRefusal.Invalid("locale", "is not a BCP 47 language tag");
        }

        DateOnly? birthday = null;
        if (e.OptionalString(e[EventField.Birthday], "birthday", 10) is { } birthdayText)
        {
            birthday = DateOnly.TryParseExact(birthdayText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var b)
                ? b
                : throw EventRefusal.Invalid("birthday", "must be a date YYYY-MM-DD");
        }

        SmsConsent? consent = null;
        var consentValue = e[EventField.SmsConsent];
        if (!consentValue.IsAbsent)
        {
            if (consentValue.Kind != JsonTokenType.StartObject)
            {
                throw EventRefusal.Invalid("smsConsent", "must be an object");
            }

            var status = e.RequiredString(e.Consent(EventField.Status), "status", 16) switch
            {
                "opted_in" => ConsentStatus.OptedIn,
                "opted_out" => ConsentStatus.OptedOut,
                _ => throw EventRefusal.Invalid("smsConsent.status", "must be opted_in or opted_out"),
            };
            consent = new SmsConsent(
                status,
                e.RequiredString(e.Consent(EventField.Source), "source", 64),
                e.RequiredTimestamp(e.Consent(EventField.At), "at"));
        }

        return new CustomerProfileEvent
        {
            EventId = e.RequiredString(e[EventField.EventId], "eventId", MaxIdLength),
            CustomerId = e.RequiredString(e[EventField.CustomerId], "customerId", MaxIdLength),
            OccurredAt = e.RequiredTimestamp(e[EventField.OccurredAt], "occurredAt"),
            FirstName = e.OptionalString(e[EventField.FirstName], "firstName", 100),
            Phone = phone,
            TimeZone = timeZone,
            Locale = locale,
            Birthday = birthday,
            SmsConsent = consent,
        };
    }

    // Shape check only: a language subtag of 2-8 letters, then alphanumeric subtags of 1-8.
    private static bool IsLocaleTag(string tag) => LocaleTag().IsMatch(tag);

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")]
    private static partial System.Text.RegularExpressions.Regex LocaleTag();
}

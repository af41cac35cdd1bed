namespace Engine.Silo.Ingestion.Parsing;

/// <summary>
/// The contract's field names (docs/events.md) at every level: the event itself, a purchase's
/// <c>items[]</c> and <c>smsConsent</c>. Anything else in a payload is skipped unread.
/// </summary>
internal enum EventField : byte
{
    Unknown,
    Type,
    EventId,
    CustomerId,
    OccurredAt,
    OrderId,
    Amount,
    Currency,
    Items,
    Channel,
    Store,
    Location,
    Points,
    Reason,
    RedemptionId,
    Action,
    SessionId,
    Url,
    Sku,
    Quantity,
    UnitPrice,
    ProductName,
    Phone,
    TimeZone,
    Locale,
    Birthday,
    SmsConsent,
    FirstName,
    Name,
    Status,
    Source,
    At,
    RefundId,
    AdjustmentId,
    ReferrerId,
    Count,
}

internal static class EventFieldNames
{
    /// <summary>
    /// The field a UTF-8 property name names, compared ordinally as JSON property lookup is;
    /// by length first, so most names are told apart without comparing a byte.
    /// </summary>
    public static EventField Of(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 => Is(name, "at"u8, EventField.At),
        3 => name.SequenceEqual("sku"u8) ? EventField.Sku : Is(name, "url"u8, EventField.Url),
        4 => name.SequenceEqual("type"u8) ? EventField.Type : Is(name, "name"u8, EventField.Name),
        5 => name[0] switch
        {
            (byte)'i' => Is(name, "items"u8, EventField.Items),
            (byte)'s' => Is(name, "store"u8, EventField.Store),
            (byte)'p' => Is(name, "phone"u8, EventField.Phone),
            _ => EventField.Unknown,
        },
        6 => name[0] switch
        {
            (byte)'a' => name.SequenceEqual("amount"u8) ? EventField.Amount : Is(name, "action"u8, EventField.Action),
            (byte)'p' => Is(name, "points"u8, EventField.Points),
            (byte)'r' => Is(name, "reason"u8, EventField.Reason),
            (byte)'l' => Is(name, "locale"u8, EventField.Locale),
            (byte)'s' => name.SequenceEqual("status"u8) ? EventField.Status : Is(name, "source"u8, EventField.Source),
            _ => EventField.Unknown,
        },
        7 => name[0] switch
        {
            (byte)'e' => Is(name, "eventId"u8, EventField.EventId),
            (byte)'o' => Is(name, "orderId"u8, EventField.OrderId),
            (byte)'c' => Is(name, "channel"u8, EventField.Channel),
            _ => EventField.Unknown,
        },
        8 => name[0] switch
        {
            (byte)'c' => Is(name, "currency"u8, EventField.Currency),
            (byte)'l' => Is(name, "location"u8, EventField.Location),
            (byte)'q' => Is(name, "quantity"u8, EventField.Quantity),
            (byte)'t' => Is(name, "timeZone"u8, EventField.TimeZone),
            (byte)'b' => Is(name, "birthday"u8, EventField.Birthday),
            (byte)'r' => Is(name, "refundId"u8, EventField.RefundId),
            _ => EventField.Unknown,
        },
        9 => name[0] switch
        {
            (byte)'s' => Is(name, "sessionId"u8, EventField.SessionId),
            (byte)'u' => Is(name, "unitPrice"u8, EventField.UnitPrice),
            (byte)'f' => Is(name, "firstName"u8, EventField.FirstName),
            _ => EventField.Unknown,
        },
        10 => name[0] switch
        {
            (byte)'c' => Is(name, "customerId"u8, EventField.CustomerId),
            (byte)'o' => Is(name, "occurredAt"u8, EventField.OccurredAt),
            (byte)'s' => Is(name, "smsConsent"u8, EventField.SmsConsent),
            (byte)'r' => Is(name, "referrerId"u8, EventField.ReferrerId),
            _ => EventField.Unknown,
        },
        11 => Is(name, "productName"u8, EventField.ProductName),
        12 => name.SequenceEqual("redemptionId"u8) ? EventField.RedemptionId : Is(name, "adjustmentId"u8, EventField.AdjustmentId),
        _ => EventField.Unknown,
    };

    private static EventField Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> candidate, EventField field) =>
        name.SequenceEqual(candidate) ? field : EventField.Unknown;
}

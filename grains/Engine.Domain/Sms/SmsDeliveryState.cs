namespace Engine.Domain.Sms;

/// <summary>
/// What a gateway reported about a message it took, in delivery reports and in the outbox.
/// Persisted by value in customer state: never renumber.
/// </summary>
public enum SmsDeliveryState
{
    Queued = 0,
    Sent = 1,
    Delivered = 2,
    Failed = 3,
}

/// <summary>How delivery states compare, and how state written before the enum spelled them.</summary>
public static class SmsDeliveryStates
{
    /// <summary>
    /// How far a message has got: queued, then sent, then an end (delivered or failed, equal,
    /// so neither replaces the other). Reports can arrive out of order and never go backwards.
    /// </summary>
    public static int Rank(SmsDeliveryState? state) => state switch
    {
        null => -1,
        SmsDeliveryState.Queued => 0,
        SmsDeliveryState.Sent => 1,
        _ => 2,
    };

    /// <summary>Whether <paramref name="report"/> moves a message at <paramref name="current"/> forward.</summary>
    public static bool Advances(SmsDeliveryState? current, SmsDeliveryState report) => Rank(report) > Rank(current);

    /// <summary>The text state written before the enum ("queued", "sent", "delivered", "failed"); null for anything else.</summary>
    public static SmsDeliveryState? FromText(string? text) => text switch
    {
        "queued" => SmsDeliveryState.Queued,
        "sent" => SmsDeliveryState.Sent,
        "delivered" => SmsDeliveryState.Delivered,
        "failed" => SmsDeliveryState.Failed,
        _ => null,
    };
}

using System.Diagnostics.CodeAnalysis;
using Engine.Domain.Events;

namespace Engine.Contracts;

/// <summary>
/// Which stream, and so which topic, each event type is sent on: the one mapping every
/// producer (admin client, demo, tests, benchmarks) uses. The engine itself accepts any type
/// on any of its topics; the mapping matters for order (docs/events.md, "Topics").
/// </summary>
public static class EventStreams
{
    /// <summary>Every stream, in the order the engine subscribes to them.</summary>
    public static IReadOnlyList<EventStream> All { get; } = Array.AsReadOnly(Enum.GetValues<EventStream>());

    /// <summary>The stream of <paramref name="eventType"/> (a <see cref="EventTypes"/> value).</summary>
    /// <exception cref="ArgumentException">The type is not one of the contract's.</exception>
    public static EventStream Of(string eventType)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        return TryOf(eventType, out var stream)
            ? stream
            : throw new ArgumentException(
                $"Unknown event type \"{eventType}\": expected one of {EventTypes.Purchase}, {EventTypes.Click}, {EventTypes.Customer}, "
                + $"{EventTypes.Refund}, {EventTypes.PointsRedeemed}, {EventTypes.PointsAdjusted}, {EventTypes.Referral} (docs/events.md).",
                nameof(eventType));
    }

    /// <summary>The stream of <paramref name="eventType"/>, or false when the type is unknown (or null).</summary>
    public static bool TryOf([NotNullWhen(true)] string? eventType, out EventStream stream)
    {
        EventStream? found = eventType switch
        {
            // Refunds and points events go with the purchases: Kafka orders a customer's events
            // only within one topic, and a refund must not overtake the order it refunds, nor a
            // redemption the purchases that earned the points.
            EventTypes.Purchase or EventTypes.Refund or EventTypes.PointsRedeemed or EventTypes.PointsAdjusted => EventStream.Purchases,
            EventTypes.Click => EventStream.Clicks,
            // A referral is about the referred customer's relationship, sent when they sign up: with their profile.
            EventTypes.Customer or EventTypes.Referral => EventStream.Customers,
            _ => null,
        };
        stream = found.GetValueOrDefault();
        return found is not null;
    }

    /// <summary>The topic <paramref name="stream"/> is read from.</summary>
    public static string TopicOf(this IEventTopics topics, EventStream stream)
    {
        ArgumentNullException.ThrowIfNull(topics);
        return stream switch
        {
            EventStream.Purchases => topics.Purchases,
            EventStream.Clicks => topics.Clicks,
            EventStream.Customers => topics.Customers,
            _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "not an event stream"),
        };
    }

    /// <summary>The topic an event of <paramref name="eventType"/> is sent to.</summary>
    /// <exception cref="ArgumentException">The type is not one of the contract's.</exception>
    public static string TopicOf(this IEventTopics topics, string eventType) => topics.TopicOf(Of(eventType));
}

using Engine.Contracts;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Sms;

namespace Engine.Client.Rendering;

/// <summary>
/// A customer's SMS as the outbox holds them, newest first, for <c>sms log</c>. The outbox
/// holds no phone number and the template data is left out, so neither output can show one.
/// </summary>
public sealed record SmsLogReport(
    string CustomerId,
    DateTimeOffset AsOf,
    ConsentReport Consent,
    int Open,
    IReadOnlyList<SmsLogEntry> Messages)
{
    public static SmsLogReport From(string customerId, CustomerView view)
    {
        var state = view.State;
        var consent = state.Profile.SmsConsent;
        var messages = state.Outbox.Messages
            .Where(m => m.Kind == OutboxKind.Sms)
            .OrderByDescending(m => m.CreatedAt)
            .ThenByDescending(m => m.Id, StringComparer.Ordinal)
            .ToList();
        return new SmsLogReport(
            customerId,
            view.AsOf,
            new ConsentReport(consent?.Status ?? ConsentStatus.Unknown, consent?.Source, consent?.At),
            messages.Count(m => m.IsOpen),
            [.. messages.Select(m => EntryOf(customerId, m))]);
    }

    /// <summary>The id without the "customer:" prefix every outbox id starts with.</summary>
    public static string ShortId(string customerId, string messageId)
    {
        var prefix = customerId + ":";
        return messageId.StartsWith(prefix, StringComparison.Ordinal) ? messageId[prefix.Length..] : messageId;
    }

    private static SmsLogEntry EntryOf(string customerId, OutboxMessage message)
    {
        var trigger = SmsPlanning.TriggerOf(message);
        return new SmsLogEntry(
            ShortId(customerId, message.Id),
            message.Sms?.Trigger ?? SmsTriggers.Key(trigger),
            // A test message names the template it renders; the rest of the data stays out.
            trigger == SmsTrigger.Test ? message.Sms?.Data.GetValueOrDefault("template") : null,
            SmsTriggers.KindOf(trigger),
            message.Status,
            message.CreatedAt,
            message.DueAt,
            message.SentAt,
            message.Delivery,
            message.DeliveryAt,
            message.CompletedAt,
            message.Attempts,
            message.Segments > 0 ? message.Segments : null,
            message.Detail,
            // A cart message names its cart, step and variant; the rest of the data stays out.
            trigger == SmsTrigger.CartAbandoned ? message.Sms?.Data.GetValueOrDefault("cart_id") : null,
            trigger == SmsTrigger.CartAbandoned ? message.Sms?.Data.GetValueOrDefault("step") : null,
            trigger == SmsTrigger.CartAbandoned ? message.Sms?.Data.GetValueOrDefault("variant") : null);
    }
}

// Template: the template a test message renders (null for other triggers).
// SentAt: handed to a gateway; Delivery/DeliveryAt: the latest delivery report (queued, sent, delivered, failed).
// Attempts: gateway attempts that failed transiently; Segments: parts of the rendered text, null before rendering.
// Detail: why it was suppressed, cancelled or failed, or the gateway's message id.
// Cart, Step, Variant: of a cart abandonment message (null for other triggers).
public sealed record SmsLogEntry(
    string Id,
    string Trigger,
    string? Template,
    SmsKind Kind,
    OutboxStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DueAt,
    DateTimeOffset? SentAt,
    SmsDeliveryState? Delivery,
    DateTimeOffset? DeliveryAt,
    DateTimeOffset? CompletedAt,
    int Attempts,
    int? Segments,
    string? Detail,
    string? Cart = null,
    string? Step = null,
    string? Variant = null);

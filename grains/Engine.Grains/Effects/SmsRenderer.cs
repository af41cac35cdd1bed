using System.Globalization;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Sms;
using Engine.Sms;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Effects;

/// <summary>
/// Renders a customer's SMS: its trigger's template (a test message names the one it shows),
/// filled from the facts recorded when it was decided, else from the customer's state now.
/// </summary>
public sealed class SmsRenderer(
    SmsTemplates templates,
    IOptions<SmsPolicyOptions> policy,
    IOptions<SmsDeliveryOptions> delivery,
    IOptions<CustomerRules> rules)
{
    /// <exception cref="SmsTemplateException">The template cannot be rendered.</exception>
    public SmsText Render(CustomerState state, OutboxMessage message)
    {
        var data = message.Sms!.Data;
        var trigger = SmsPlanning.TriggerOf(message);
        var template = trigger;
        if (trigger == SmsTrigger.Test && SmsTriggers.TryParseKey(data.GetValueOrDefault("template"), out var named))
        {
            template = named;
        }

        var model = new SmsTemplateModel
        {
            FirstName = state.Profile.FirstName,
            Tier = data.GetValueOrDefault("tier") ?? state.Loyalty.Tier,
            Points = long.TryParse(data.GetValueOrDefault("points"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var points) ? points : state.Loyalty.Balance,
            ExpiryDate = DateTimeOffset.TryParse(data.GetValueOrDefault("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires) ? DateOnly.FromDateTime(expires.UtcDateTime) : null,
            CartLines = [.. state.Cart.Lines.Select(l => new SmsCartLine(l.Name ?? l.Sku, l.Quantity))],
            CartValue = state.Cart.Value,
            Currency = rules.Value.BaseCurrency,
            Link = delivery.Value.Link,
            HelpText = policy.Value.HelpText,
            ReplyText = policy.Value.ReplyTextFor(template),
        };
        return templates.Render(template, state.Profile.Locale, model);
    }
}

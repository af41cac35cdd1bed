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
/// A cart message uses its step's (and variant's) template when there is one, and shows the
/// cart's top lines, dropping and shortening lines until it fits the segment budget.
/// </summary>
public sealed class SmsRenderer(
    SmsTemplates templates,
    IOptions<SmsPolicyOptions> policy,
    IOptions<SmsDeliveryOptions> delivery,
    IOptions<CustomerRules> rules)
{
    /// <summary>Most cart lines a message tries to show; more are "+N".</summary>
    public const int MaxCartLines = 5;

    // Name lengths tried, longest first, once dropping lines alone does not fit the budget.
    private static readonly int[] NameLengths = [int.MaxValue, 24, 12];

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
            CartValue = state.Cart.Value,
            Currency = CartReminders.CurrencyOf(state, rules.Value),
            Link = data.GetValueOrDefault("link") ?? delivery.Value.Link,
            HelpText = policy.Value.HelpText,
            ReplyText = policy.Value.ReplyTextFor(template),
            Incentive = data.GetValueOrDefault("incentive"),
            Step = data.GetValueOrDefault("step"),
            Variant = data.GetValueOrDefault("variant"),
        };
        return template == SmsTrigger.CartAbandoned
            ? RenderCart(state, model)
            : templates.Render(template, state.Profile.Locale, model);
    }

    private SmsText RenderCart(CustomerState state, SmsTemplateModel model)
    {
        string[] qualifiers = model.Step is not { } step ? [] : model.Variant is { } variant ? [$"{step}:{variant}", step] : [step];
        // Top lines: what the customer stands to lose most of first.
        var lines = state.Cart.Lines
            .OrderByDescending(l => l.Quantity * l.UnitPrice)
            .ThenByDescending(l => l.LastChangedAt)
            .Select(l => new SmsCartLine(l.Name ?? l.Sku, l.Quantity))
            .ToList();
        var budget = rules.Value.CartAbandonment.MaxSegments;
        SmsText? text = null;
        foreach (var nameLength in NameLengths)
        {
            for (var shown = Math.Min(lines.Count, MaxCartLines); shown >= 1 || text is null; shown--)
            {
                var shownLines = lines.Take(Math.Max(shown, 0)).Select(l => l with { Name = Shorten(l.Name, nameLength) }).ToList();
                text = templates.Render(SmsTrigger.CartAbandoned, state.Profile.Locale, model with { CartLines = shownLines, CartMore = lines.Count - shownLines.Count }, qualifiers);
                if (text.Segments.Segments <= budget || shown <= 1)
                {
                    break;
                }
            }

            if (text!.Segments.Segments <= budget)
            {
                break;
            }
        }

        // Even the shortest form can be over the budget (a long template or link): it goes as it
        // is, and engine_sms_long_messages_total shows it.
        return text!;
    }

    private static string Shorten(string name, int length) =>
        name.Length <= length ? name : string.Concat(name.AsSpan(0, length - 3).TrimEnd(), "...");
}

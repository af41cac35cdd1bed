using Engine.Domain.Sms;

namespace Engine.Sms;

/// <summary>One cart line as a template sees it: <c>line.name</c>, <c>line.quantity</c>.</summary>
public sealed record SmsCartLine(string Name, int Quantity);

/// <summary>
/// What a template may show. Each property is a Liquid variable in snake_case:
/// <c>first_name</c>, <c>tier</c>, <c>points</c> (a number), <c>expiry_date</c> (the customer's
/// locale's short date), <c>cart_lines</c> (a list of <c>name</c>/<c>quantity</c>),
/// <c>cart_count</c> (total quantity), <c>cart_value</c> (two decimals, locale separator),
/// <c>cart_more</c> (cart lines left out of <c>cart_lines</c> to fit the message), <c>currency</c>,
/// <c>link</c>, <c>incentive</c>, <c>step</c> and <c>variant</c> (of a cart abandonment message),
/// <c>help_text</c> and <c>reply_text</c> (the configured text of a keyword reply). A missing value is nil, so <c>{{ first_name | default: "there" }}</c> works.
/// </summary>
public sealed record SmsTemplateModel
{
    public string? FirstName { get; init; }
    public string? Tier { get; init; }
    public long? Points { get; init; }
    public DateOnly? ExpiryDate { get; init; }
    public IReadOnlyList<SmsCartLine> CartLines { get; init; } = [];
    public int CartMore { get; init; }
    public decimal? CartValue { get; init; }
    public string? Currency { get; init; }
    public string? Link { get; init; }
    public string? HelpText { get; init; }
    public string? ReplyText { get; init; }
    public string? Incentive { get; init; }
    public string? Step { get; init; }
    public string? Variant { get; init; }

    /// <summary>The model of a keyword reply: the configured help text and the trigger's configured text.</summary>
    public static SmsTemplateModel ForReply(SmsTrigger trigger, SmsPolicyOptions options, string? firstName = null) => new()
    {
        FirstName = firstName,
        HelpText = options.HelpText,
        ReplyText = options.ReplyTextFor(trigger),
    };

    /// <summary>A model with every value set, used to check templates for unknown variables at start-up.</summary>
    public static SmsTemplateModel Sample { get; } = new()
    {
        FirstName = "Camille",
        Tier = "Gold",
        Points = 1250,
        ExpiryDate = new DateOnly(2026, 6, 30),
        CartLines = [new SmsCartLine("Trail shoes", 1), new SmsCartLine("Socks", 3)],
        Incentive = "10% off with code BACK10",
        Step = "reminder",
        Variant = "a",
        CartValue = 129.90m,
        Currency = "EUR",
        Link = "https://example.com/l/abc123",
        HelpText = "Loyalty alerts. Reply STOP to opt out.",
        ReplyText = "You're unsubscribed.",
    };
}

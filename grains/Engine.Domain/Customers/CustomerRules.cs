using Engine.Domain.Cart;
using Engine.Domain.Loyalty;

namespace Engine.Domain.Customers;

/// <summary>
/// The tunable parts of the customer rules, bound from the "Rules" configuration section.
/// </summary>
public sealed class CustomerRules
{
    public const string SectionName = "Rules";

    /// <summary>The currency all spend is kept in.</summary>
    public string BaseCurrency { get; set; } = "USD";

    /// <summary>
    /// Units of <see cref="BaseCurrency"/> per unit of another currency. A purchase in a
    /// valid ISO 4217 currency that has no rate here is refused rather than guessed.
    /// </summary>
    public Dictionary<string, decimal> ExchangeRates { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Length of the rolling spend window.</summary>
    public int RollingWindowDays { get; set; } = 365;

    public EngagementPolicy Engagement { get; set; } = new();

    /// <summary>What a customer remembers to skip a repeated event (Rules:Dedupe).</summary>
    public Processing.DedupePolicy Dedupe { get; set; } = new();

    /// <summary>Points and tiers (the host binds them from their own "Loyalty" section).</summary>
    public LoyaltyRules Loyalty { get; set; } = new();

    /// <summary>Cart abandonment reminders (the host binds them from their own "CartAbandonment" section).</summary>
    public CartAbandonmentRules CartAbandonment { get; set; } = new();

    /// <summary>
    /// Days of daily spend kept: the longer of the rolling window and the tier qualification
    /// window, so neither figure is cut short by the other's pruning.
    /// </summary>
    public int SpendRetentionDays => Math.Max(RollingWindowDays, Loyalty.QualificationWindowDays);

    /// <summary>Converts an amount to the base currency, or null when no rate is known.</summary>
    public decimal? ToBaseCurrency(decimal amount, string currency)
    {
        if (string.Equals(currency, BaseCurrency, StringComparison.OrdinalIgnoreCase))
        {
            return amount;
        }

        return ExchangeRates.TryGetValue(currency, out var rate) ? decimal.Round(amount * rate, 2, MidpointRounding.ToEven) : null;
    }
}

/// <summary>How clicks and purchases add up to an engagement score that fades with time.</summary>
public sealed class EngagementPolicy
{
    /// <summary>After this long an interaction counts half as much.</summary>
    public TimeSpan HalfLife { get; set; } = TimeSpan.FromDays(14);

    public double PageViewWeight { get; set; } = 1;
    public double ProductViewWeight { get; set; } = 2;
    public double AddToCartWeight { get; set; } = 4;
    public double RemoveFromCartWeight { get; set; } = 0.5;
    public double CheckoutStartedWeight { get; set; } = 6;
    public double PurchaseWeight { get; set; } = 10;

    /// <summary>Decay rate per second: ln 2 / half-life.</summary>
    public double DecayPerSecond => Math.Log(2) / HalfLife.TotalSeconds;
}

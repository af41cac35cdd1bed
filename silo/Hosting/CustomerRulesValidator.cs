using Engine.Domain.Customers;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Hosting;

/// <summary>
/// <see cref="CustomerRules"/> ("Rules", with its "Loyalty" and "CartAbandonment" sections): a rolling window and an
/// engagement half-life to divide by, exchange rates that convert to a positive amount, and
/// the loyalty rules' own checks, each named.
/// </summary>
public sealed class CustomerRulesValidator : IValidateOptions<CustomerRules>
{
    public ValidateOptionsResult Validate(string? name, CustomerRules options)
    {
        var problems = new SectionProblems(CustomerRules.SectionName)
            .NotBlank(nameof(options.BaseCurrency), options.BaseCurrency)
            .Positive(nameof(options.RollingWindowDays), options.RollingWindowDays)
            .Positive($"{nameof(options.Engagement)}:{nameof(options.Engagement.HalfLife)}", options.Engagement.HalfLife)
            .Positive("Dedupe:RecentEventIds", options.Dedupe.RecentEventIds)
            .Positive("Dedupe:KeyRetentionDays", options.Dedupe.KeyRetentionDays)
            .Positive("Dedupe:MaxKeys", options.Dedupe.MaxKeys)
            // Key ages are kept in 16 bits of days.
            .Require(options.Dedupe.KeyRetentionDays < 30_000, "Dedupe:KeyRetentionDays", "must be below 30000", options.Dedupe.KeyRetentionDays.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (currency, rate) in options.ExchangeRates)
        {
            problems.Positive($"{nameof(options.ExchangeRates)}:{currency}", rate);
        }

        return problems.Add(options.Loyalty.Validate()).Add(options.CartAbandonment.Validate()).Result();
    }
}

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
            .Positive($"{nameof(options.Engagement)}:{nameof(options.Engagement.HalfLife)}", options.Engagement.HalfLife);
        foreach (var (currency, rate) in options.ExchangeRates)
        {
            problems.Positive($"{nameof(options.ExchangeRates)}:{currency}", rate);
        }

        return problems.Add(options.Loyalty.Validate()).Add(options.CartAbandonment.Validate()).Result();
    }
}

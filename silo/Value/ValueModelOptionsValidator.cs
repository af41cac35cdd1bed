using Engine.Domain.Segments;
using Engine.Domain.Value.Model;
using Engine.Silo.Hosting;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Value;

/// <summary><see cref="ValueModelOptions"/>: the refresh is at least a second apart.</summary>
public sealed class ValueModelOptionsValidator : IValidateOptions<ValueModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ValueModelOptions options) =>
        options.RefreshInterval < TimeSpan.FromSeconds(1)
            ? ValidateOptionsResult.Fail($"{ValueModelOptions.SectionName}:RefreshInterval must be at least 1 second, got {options.RefreshInterval:c}.")
            : ValidateOptionsResult.Success;
}

/// <summary><see cref="ValueForecastOptions"/>: a horizon between a day and ten years, a discount rate in [0, 1).</summary>
public sealed class ValueForecastOptionsValidator : IValidateOptions<ValueForecastOptions>
{
    public ValidateOptionsResult Validate(string? name, ValueForecastOptions options) =>
        options.Validate() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}

/// <summary>
/// <see cref="SegmentOptions"/>: every definition parses, naming the segment and the mistake
/// otherwise, and every segment a cart abandonment step is restricted to exists.
/// </summary>
public sealed class SegmentOptionsValidator(IOptions<Engine.Domain.Customers.CustomerRules> customerRules) : IValidateOptions<SegmentOptions>
{
    public ValidateOptionsResult Validate(string? name, SegmentOptions options)
    {
        try
        {
            SegmentRules.From(options);
            if (options.ReevaluateEvery < TimeSpan.FromMinutes(1) || options.ReevaluateEvery > TimeSpan.FromDays(1))
            {
                return ValidateOptionsResult.Fail($"{SegmentOptions.SectionName}:ReevaluateEvery must be between a minute and a day, got {options.ReevaluateEvery:c}.");
            }

            var steps = customerRules.Value.CartAbandonment.Steps;
            if (options.Undefined(steps.SelectMany(s => s.Segments)) is { Count: > 0 } undefined)
            {
                return ValidateOptionsResult.Fail($"CartAbandonment:Steps: segments {string.Join(", ", undefined)} are not defined in {SegmentOptions.SectionName}:Rules (defined: {string.Join(", ", options.Effective().Keys.Order(StringComparer.Ordinal))}).");
            }

            return ValidateOptionsResult.Success;
        }
        catch (FormatException e)
        {
            return ValidateOptionsResult.Fail($"{SegmentOptions.SectionName}:Rules: {e.Message}");
        }
    }
}

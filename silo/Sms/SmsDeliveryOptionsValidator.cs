using Engine.Grains;
using Engine.Silo.Hosting;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Sms;

/// <summary>
/// <see cref="SmsDeliveryOptions"/>: at least one gateway attempt, and retries that wait
/// (a zero delay would retry a failing gateway in a tight loop).
/// </summary>
public sealed class SmsDeliveryOptionsValidator : IValidateOptions<SmsDeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, SmsDeliveryOptions options) =>
        new SectionProblems(SmsDeliveryOptions.SectionName)
            .Positive(nameof(options.MaxAttempts), options.MaxAttempts)
            .Positive(nameof(options.FirstRetryDelay), options.FirstRetryDelay)
            .AtLeast(nameof(options.MaxRetryDelay), options.MaxRetryDelay, nameof(options.FirstRetryDelay), options.FirstRetryDelay)
            .Result();
}

using Engine.Grains;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Hosting;

/// <summary>
/// <see cref="WriteBehindOptions"/>: a customer writes after at least one unsaved event; the
/// two delays may be zero, which means "write at the next checkpoint" and "write at once".
/// </summary>
public sealed class WriteBehindOptionsValidator : IValidateOptions<WriteBehindOptions>
{
    public ValidateOptionsResult Validate(string? name, WriteBehindOptions options) =>
        new SectionProblems(WriteBehindOptions.SectionName)
            .Positive(nameof(options.MaxUnsavedEvents), options.MaxUnsavedEvents)
            .NotNegative(nameof(options.MaxUnsavedAge), options.MaxUnsavedAge)
            .NotNegative(nameof(options.MaxEffectDelay), options.MaxEffectDelay)
            .Result();
}

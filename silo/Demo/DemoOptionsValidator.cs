using Engine.Silo.Hosting;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Demo;

/// <summary>A demo stream, when on, needs shoppers (with none it would stop the silo at its first event) and a rate.</summary>
public sealed class DemoOptionsValidator : IValidateOptions<DemoOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoOptions options) =>
        !options.Enabled
            ? ValidateOptionsResult.Success
            : new SectionProblems(DemoOptions.SectionName)
                .Positive(nameof(options.Customers), options.Customers)
                .Positive(nameof(options.EventsPerSecond), options.EventsPerSecond)
                .Result();
}

using Microsoft.Extensions.Options;

namespace Engine.Silo.Storage.Projection;

/// <summary>How the silo reads the customer projection for its gauges (section <see cref="SectionName"/>).</summary>
public sealed class ProjectionOptions
{
    public const string SectionName = "Projection";

    /// <summary>How often customers per tier and per segment are counted for the gauges (two cheap queries).</summary>
    public TimeSpan GaugeInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary><see cref="ProjectionOptions"/>: the gauges are counted at least a second apart.</summary>
public sealed class ProjectionOptionsValidator : IValidateOptions<ProjectionOptions>
{
    public ValidateOptionsResult Validate(string? name, ProjectionOptions options) =>
        options.GaugeInterval < TimeSpan.FromSeconds(1)
            ? ValidateOptionsResult.Fail($"{ProjectionOptions.SectionName}:GaugeInterval must be at least 1 second, got {options.GaugeInterval:c}.")
            : ValidateOptionsResult.Success;
}

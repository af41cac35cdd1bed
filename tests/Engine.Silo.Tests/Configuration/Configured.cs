using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Tests.Configuration;

/// <summary>Options bound from keys as an operator writes them, and what their validator says.</summary>
internal static class Configured
{
    public static T Bind<T>(string section, params (string Key, string Value)[] settings)
        where T : new()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"{section}:{s.Key}", s.Value)))
            .Build();
        var options = new T();
        configuration.GetSection(section).Bind(options);
        return options;
    }

    /// <summary>The failures, or an empty list when the options are valid.</summary>
    public static IReadOnlyList<string> Problems<T>(this IValidateOptions<T> validator, T options)
        where T : class
    {
        var result = validator.Validate(Options.DefaultName, options);
        return result.Failed ? [.. result.Failures!] : [];
    }
}

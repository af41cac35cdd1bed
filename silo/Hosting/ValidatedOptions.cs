using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Hosting;

/// <summary>Binds an options section with its validator, checked when the host starts.</summary>
internal static class ValidatedOptions
{
    /// <summary>
    /// A bad value stops the silo at start, naming its key, instead of surfacing later as a
    /// hung or crashed loop.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddOptions<TOptions>().Bind(section).ValidateOnStart();
    }
}

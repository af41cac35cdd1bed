using Engine.Grains.Effects;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Sms.Gateways;

/// <summary>Registers the SMS gateway chosen by "Sms:Gateway:Provider".</summary>
public static class SmsGatewayRegistration
{
    /// <summary>
    /// Binds and validates <see cref="SmsGatewayOptions"/> (at start-up) and registers
    /// <see cref="ISmsGateway"/> as a singleton of the configured provider.
    /// </summary>
    public static IServiceCollection AddSmsGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SmsGatewayOptions>()
            .Bind(configuration.GetSection(SmsGatewayOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmsGatewayOptions>, SmsGatewayOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // Timeouts are per attempt in the gateways; the client's own is only a backstop.
        // The sendsms URL carries the password and the number, so this client logs no URLs.
        // Each has its own connect timeout, shorter than the response timeout (GatewayConnections).
        services.AddHttpClient(KannelSmsGateway.HttpClientName, client => client.Timeout = TimeSpan.FromMinutes(2)).RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(sp => GatewayConnections.Handler(sp.GetRequiredService<IOptions<SmsGatewayOptions>>().Value.Kannel.EffectiveConnectTimeout));
        services.AddHttpClient(TwilioSmsGateway.HttpClientName, client => client.Timeout = TimeSpan.FromMinutes(2))
            .ConfigurePrimaryHttpMessageHandler(sp => GatewayConnections.Handler(sp.GetRequiredService<IOptions<SmsGatewayOptions>>().Value.Twilio.EffectiveConnectTimeout));
        services.TryAddSingleton<KannelSmsGateway>();
        services.TryAddSingleton<TwilioSmsGateway>();
        services.TryAddSingleton(sp => new FileSmsGateway(
            FilePath(sp.GetRequiredService<IOptions<SmsGatewayOptions>>().Value.File.Path, sp.GetService<IHostEnvironment>()),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ISmsGateway>(sp => sp.GetRequiredService<IOptions<SmsGatewayOptions>>().Value.Provider.ToLowerInvariant() switch
        {
            SmsGatewayProviders.Kannel => sp.GetRequiredService<KannelSmsGateway>(),
            SmsGatewayProviders.Twilio => sp.GetRequiredService<TwilioSmsGateway>(),
            _ => sp.GetRequiredService<FileSmsGateway>(),
        });
        return services;
    }

    private static string FilePath(string path, IHostEnvironment? environment) =>
        path == FileSmsGateway.ConsolePath || Path.IsPathRooted(path) || environment is null
            ? path
            : Path.Combine(environment.ContentRootPath, path);
}

using Engine.Domain.Sms;
using Engine.Grains;
using Engine.Grains.Effects;
using Engine.Silo.Hosting;
using Engine.Silo.Sms.Callbacks;
using Engine.Silo.Sms.Gateways;
using Engine.Sms;

namespace Engine.Silo.Sms;

/// <summary>Wires the SMS pipeline: policy, templates (validated at start-up), gateway and dispatcher.</summary>
public static partial class SmsServiceRegistration
{
    public static IServiceCollection AddSmsPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SmsPolicyOptions>()
            .Bind(configuration.GetSection(SmsPolicyOptions.SectionName))
            .Validate(options => options.Validate().Count == 0, "the Sms:Policy section is invalid")
            .ValidateOnStart();
        services.AddValidatedOptions<SmsDeliveryOptions, SmsDeliveryOptionsValidator>(configuration.GetSection(SmsDeliveryOptions.SectionName));
        services.AddOptions<SmsDispatchOptions>().Bind(configuration.GetSection("Sms:Dispatch"));
        services.AddSingleton(_ =>
        {
            // Flattened, so a qualified template ("Sms:Templates:cart_abandoned:incentive.en") keeps its qualifier.
            var configured = configuration.GetSection(SmsTemplates.SectionName).AsEnumerable(makePathsRelative: true)
                .Where(c => c.Value is not null)
                .ToDictionary(c => c.Key, c => c.Value!, StringComparer.OrdinalIgnoreCase);
            var templates = new SmsTemplates(configured);
            // A broken template fails the start, naming it.
            templates.Validate();
            return templates;
        });
        services.AddHostedService<SmsTemplateCheck>();
        services.AddSingleton<SmsStatistics>();
        services.AddSingleton<SmsRenderer>();
        services.AddSingleton<SmsSendProtocol>();
        services.AddSmsGateway(configuration);
        services.AddSmsCallbacks(configuration);
        services.AddSingleton<SmsDispatcher>();
        services.AddSingleton<ISmsOutlet>(sp => sp.GetRequiredService<SmsDispatcher>());
        return services;
    }

    /// <summary>Who may call the gateway callbacks (<see cref="SmsCallbackOptions"/>, validated at start, and the gate built from them), and where inbound messages go: numbers and their keys (<see cref="PhoneNumberOptions"/>), the reception.</summary>
    public static IServiceCollection AddSmsCallbacks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SmsCallbackOptions, SmsCallbackOptionsValidator>(configuration.GetSection(SmsCallbackOptions.SectionName));
        services.AddSingleton(sp => CallbackGate.From(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SmsCallbackOptions>>().Value));
        services.AddValidatedOptions<PhoneNumberOptions, PhoneNumberOptionsValidator>(configuration.GetSection(PhoneNumberOptions.SectionName));
        services.AddSingleton<NumberKeys>();
        services.AddHostedService<DevelopmentNumberKeyWarning>();
        services.AddSingleton<InboundSmsReception>();
        return services;
    }

    /// <summary>
    /// Runs the dispatcher. Call after <c>UseOrleans</c>: hosted services stop in reverse
    /// order, so the dispatcher then stops before the silo and its last sends still reach
    /// their grains (registered before, it outlived the silo and failed every queued message).
    /// </summary>
    public static IServiceCollection AddSmsDispatch(this IServiceCollection services)
    {
        services.AddHostedService(sp => sp.GetRequiredService<SmsDispatcher>());
        return services;
    }

    /// <summary>Says at start that the suppression list's keys use the public development key (no Sms:Numbers:Key).</summary>
    private sealed partial class DevelopmentNumberKeyWarning(NumberKeys keys, ILogger<DevelopmentNumberKeyWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (keys.UsesDevelopmentKey)
            {
                LogDevelopmentKey(logger);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning, Message = "Sms:Numbers:Key is not set: the suppression list is keyed with the public development key (fine in memory; PostgreSQL storage requires a key)")]
        private static partial void LogDevelopmentKey(ILogger logger);
    }

    /// <summary>Builds the templates during start-up, so a broken one stops the silo before it takes traffic.</summary>
    private sealed class SmsTemplateCheck(SmsTemplates templates) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override string ToString() => $"{templates.Names.Count} SMS templates";
    }
}

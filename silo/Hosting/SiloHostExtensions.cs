using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Grains;
using Engine.Grains.Effects;
using Engine.Domain.Loyalty;
using Engine.Silo.Effects;
using Engine.Silo.Demo;
using Engine.Silo.Health;
using Engine.Silo.Ingestion;
using Engine.Silo.Kafka;
using Engine.Silo.Metrics;
using Engine.Silo.Sms;
using Engine.Silo.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Prometheus;

namespace Engine.Silo.Hosting;

/// <summary>Wires the silo: Orleans, Kafka ingestion, metrics and health.</summary>
public static class SiloHostExtensions
{
    /// <summary>Adds the engine's services and an Orleans silo configured from <c>builder.Configuration</c>.</summary>
    public static IHostApplicationBuilder AddEngineSilo(this IHostApplicationBuilder builder)
    {
        builder.AddEngineServices();
        var orleans = builder.Configuration.GetSection("Orleans").Get<OrleansOptions>() ?? new OrleansOptions();
        builder.UseOrleans(silo =>
        {
            silo.AddEngineStorage(builder.Configuration, orleans);
        });
        builder.AddEngineIngestion();
        return builder;
    }

    /// <summary>Options, time, metrics and Kafka: everything grains and ingestion depend on.</summary>
    public static IHostApplicationBuilder AddEngineServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddValidatedOptions<CustomerRules, CustomerRulesValidator>(configuration.GetSection(CustomerRules.SectionName))
            .Configure(rules => LoyaltyConfiguration.Bind(configuration.GetSection(LoyaltyRules.SectionName), rules.Loyalty));
        services.AddValidatedOptions<WriteBehindOptions, WriteBehindOptionsValidator>(configuration.GetSection(WriteBehindOptions.SectionName));
        services.AddValidatedOptions<KafkaOptions, KafkaOptionsValidator>(configuration.GetSection(KafkaOptions.SectionName));
        services.AddValidatedOptions<IngestionOptions, IngestionOptionsValidator>(configuration.GetSection(IngestionOptions.SectionName));
        services.AddValidatedOptions<DemoOptions, DemoOptionsValidator>(configuration.GetSection(DemoOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(EngineTime.Key, TimeProvider.System);
        services.AddSingleton<CustomerStateWrites>();
        services.AddSingleton<Engine.Silo.Storage.GrainState.GrainStateStatistics>();
        services.AddSingleton<LoyaltyStatistics>();
        services.AddSingleton<KafkaTierChangeOutput>();
        services.AddSingleton<ITierChangeOutput>(sp => sp.GetRequiredService<KafkaTierChangeOutput>());
        services.AddSingleton<TierChangePublication>();
        services.AddSmsPipeline(configuration);
        services.AddSingleton<EngineMetrics>();
        services.AddSingleton<IngestionStatus>();
        services.AddSingleton<KafkaEndpoint>();
        services.AddSingleton(sp =>
        {
            var endpoint = sp.GetRequiredService<KafkaEndpoint>();
            var topics = endpoint.Topics;
            return new EngineInfo(endpoint.BootstrapServers, topics.Purchases, topics.Clicks, topics.Customers, topics.DeadLetter);
        });
        services.AddSingleton<DeadLetterPublisher>();
        services.AddHealthChecks()
            .AddCheck("live", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy(), tags: ["live"])
            .AddCheck<IngestionHealthCheck>("ingestion", tags: ["ready"]);
        return builder;
    }

    /// <summary>The Kafka consumer and the demo stream; registered after UseOrleans so they start after the silo.</summary>
    public static IHostApplicationBuilder AddEngineIngestion(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<KafkaIngestionService>();
        builder.Services.AddHostedService<DemoStream>();
        return builder;
    }

    /// <summary>/metrics, /health/live and /health/ready.</summary>
    public static WebApplication MapEngineEndpoints(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<EngineMetrics>();
        app.MapMetrics("/metrics", metrics.Registry);
        app.MapHealthChecks("/health/live", new() { Predicate = check => check.Tags.Contains("live") });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        app.MapSmsCallbacks();
        app.MapGet("/", () => Results.Text("Engagement Engine silo: /metrics, /health/live, /health/ready\n"));
        return app;
    }
}

using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Grains;
using Engine.Grains.Customers;
using Engine.Grains.Effects;
using Engine.Domain.Cart;
using Engine.Domain.Loyalty;
using Engine.Silo.Effects;
using Engine.Silo.Cluster;
using Engine.Silo.Demo;
using Engine.Silo.Health;
using Engine.Silo.Ingestion;
using Engine.Silo.Kafka;
using Engine.Silo.Metrics;
using Engine.Silo.Sms;
using Engine.Silo.Storage;
using Engine.Silo.Storage.Projection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Prometheus;

using Engine.Domain.Value.Model;
using Engine.Domain.Segments;
using Engine.Silo.Value;

namespace Engine.Silo.Hosting;

/// <summary>Wires the silo: Orleans, Kafka ingestion, metrics and health.</summary>
public static class SiloHostExtensions
{
    /// <summary>Time the host's stop leaves the silo after the final checkpoint: deactivating grains, leaving the cluster.</summary>
    public static readonly TimeSpan SiloStopAllowance = TimeSpan.FromSeconds(60);

    /// <summary>Adds the engine's services and an Orleans silo configured from <c>builder.Configuration</c>.</summary>
    public static IHostApplicationBuilder AddEngineSilo(this IHostApplicationBuilder builder)
    {
        builder.AddEngineServices();
        var orleans = builder.Configuration.GetSection("Orleans").Get<OrleansOptions>() ?? new OrleansOptions();
        builder.UseOrleans(silo =>
        {
            silo.AddEngineStorage(builder.Configuration, orleans);
            silo.AddClusterTls(builder.Configuration);
            silo.AddIncomingGrainCallFilter<IngestionCallLocality>();
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
            .Configure(rules => LoyaltyConfiguration.Bind(configuration.GetSection(LoyaltyRules.SectionName), rules.Loyalty))
            .Configure(rules => CartAbandonmentConfiguration.Bind(configuration.GetSection(CartAbandonmentRules.SectionName), rules.CartAbandonment));
        services.AddValidatedOptions<WriteBehindOptions, WriteBehindOptionsValidator>(configuration.GetSection(WriteBehindOptions.SectionName));
        services.AddOptions<PlacementOptions>().Bind(configuration.GetSection(PlacementOptions.SectionName));
        services.AddValidatedOptions<KafkaOptions, KafkaOptionsValidator>(configuration.GetSection(KafkaOptions.SectionName));
        services.AddValidatedOptions<IngestionOptions, IngestionOptionsValidator>(configuration.GetSection(IngestionOptions.SectionName));
        services.AddValidatedOptions<DemoOptions, DemoOptionsValidator>(configuration.GetSection(DemoOptions.SectionName));
        services.AddValidatedOptions<ValueModelOptions, ValueModelOptionsValidator>(configuration.GetSection(ValueModelOptions.SectionName));
        services.AddValidatedOptions<ValueForecastOptions, ValueForecastOptionsValidator>(configuration.GetSection(ValueForecastOptions.SectionName));
        services.AddSingleton<CurrentValueModel>();
        services.AddValidatedOptions<SegmentOptions, SegmentOptionsValidator>(configuration.GetSection(SegmentOptions.SectionName));
        services.AddSingleton(sp => SegmentRules.From(sp.GetRequiredService<IOptions<SegmentOptions>>().Value));
        services.AddValidatedOptions<ProjectionOptions, ProjectionOptionsValidator>(configuration.GetSection(ProjectionOptions.SectionName));
        services.AddSingleton<ProjectionFigures>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(EngineTime.Key, TimeProvider.System);
        services.AddSingleton<CustomerStateWrites>();
        services.AddSingleton<Engine.Silo.Storage.GrainState.GrainStateStatistics>();
        services.AddSingleton<LoyaltyStatistics>();
        services.AddSingleton<CartStatistics>();
        services.AddSingleton<CartAbandonmentTrigger>();
        services.AddSingleton<KafkaTierChangeOutput>();
        services.AddSingleton<ITierChangeOutput>(sp => sp.GetRequiredService<KafkaTierChangeOutput>());
        services.AddSingleton<KafkaSegmentChangeOutput>();
        services.AddSingleton<ISegmentChangeOutput>(sp => sp.GetRequiredService<KafkaSegmentChangeOutput>());
        services.AddSingleton<EffectPublishing>();
        services.AddSingleton<EffectDispatcher>();
        services.AddSingleton<IEffectOutlet>(sp => sp.GetRequiredService<EffectDispatcher>());
        services.AddSingleton<SegmentStatistics>();
        // One per customer activation: it keeps the activation's forecast while the customer's summary is the same.
        services.AddTransient<SegmentEvaluation>();
        // One per customer activation: it remembers what that activation marked for publication.
        services.AddTransient<TierChangePublication>();
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

    /// <summary>
    /// Runs the tier and segment change dispatcher. Call after <c>UseOrleans</c>, so it stops
    /// before the silo and its last answers still reach their grains.
    /// </summary>
    public static IServiceCollection AddEffectDispatch(this IServiceCollection services) =>
        services.AddHostedService(sp => sp.GetRequiredService<EffectDispatcher>());

    /// <summary>
    /// The services that call grains: SMS and effect dispatch, the value model's refresh, the Kafka consumer and the demo stream.
    /// Registered after UseOrleans, so they start after the silo and stop before it, in
    /// reverse order: the demo, then the ingestion (its final checkpoint writes customers, hands
    /// their SMS and tier and segment changes to the dispatchers and commits), then the dispatchers, then the silo
    /// (docs/architecture.md, "Shutdown").
    /// </summary>
    public static IHostApplicationBuilder AddEngineIngestion(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSmsDispatch();
        builder.Services.AddEffectDispatch();
        builder.Services.AddHostedService<ValueModelRefresh>();
        builder.Services.AddHostedService<ProjectionGauges>();
        builder.Services.AddHostedService<KafkaIngestionService>();
        builder.Services.AddHostedService<ConsumerGroupLag>();
        builder.Services.AddHostedService<Engine.Silo.Health.SiloStatusReporter>();
        builder.Services.AddHostedService<DemoStream>();

        // Past the host's stop budget the silo's stop is cancelled (grains deactivate without
        // storage) and services are disposed under work still running; so the budget covers
        // the final checkpoint and then the silo's own stop. A longer configured one is kept.
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<IngestionOptions>>((host, ingestion) =>
        {
            var needed = ingestion.Value.FinalCheckpointTimeout + SiloStopAllowance;
            host.ShutdownTimeout = host.ShutdownTimeout > needed ? host.ShutdownTimeout : needed;
        });
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

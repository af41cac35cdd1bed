using System.Net;
using Engine.Contracts;
using Engine.Silo.Hosting;
using Engine.Grains.Projection;
using Engine.Silo.Storage.GrainState;
using Engine.Silo.Storage.Projection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime.Hosting;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Engine.Silo.Storage;

/// <summary>Wires grain state, reminders and clustering to memory or PostgreSQL, as "Storage" says.</summary>
public static class StorageExtensions
{
    /// <summary>The ADO.NET invariant Orleans maps to Npgsql's provider factory.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// Adds the customer grain storage, the reminder service and clustering. Defaults
    /// (no "Storage" section) are memory storage and localhost clustering: a single-silo
    /// development cluster that forgets everything on restart.
    /// </summary>
    public static ISiloBuilder AddEngineStorage(this ISiloBuilder silo, IConfiguration configuration, OrleansOptions orleans)
    {
        var storage = StorageOptions.From(configuration);
        var ingestion = configuration.GetSection(Ingestion.IngestionOptions.SectionName).Get<Ingestion.IngestionOptions>() ?? new Ingestion.IngestionOptions();
        storage.Validate(ingestsExternalKafka: ingestion.Enabled && !string.IsNullOrWhiteSpace(configuration["Kafka:BootstrapServers"]));

        if (storage.Clustering == ClusteringProvider.Postgres)
        {
            UsePostgresClustering(silo, configuration, orleans, storage.ConnectionString!);
        }
        else
        {
            silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, serviceId: orleans.ServiceId, clusterId: orleans.ClusterId);
        }

        if (storage.Provider == StorageProvider.Postgres)
        {
            UsePostgresStorage(silo, configuration, storage);
        }
        else
        {
            silo.AddEngineMemoryStorage();
            silo.UseInMemoryReminderService();
        }

        return silo;
    }

    /// <summary>
    /// Grain state in this process (<see cref="InProcessGrainStorage"/>), serialized with Orleans'
    /// binary serializer as the PostgreSQL provider does, so development and tests store state
    /// the way production does.
    /// </summary>
    public static ISiloBuilder AddEngineMemoryStorage(this ISiloBuilder silo)
    {
        AddProjection(silo.Services);
        silo.Services.AddSingleton<MemoryCustomerProjection>();
        silo.Services.AddSingleton<ICustomerProjection>(sp => sp.GetRequiredService<MemoryCustomerProjection>());
        silo.Services.AddSingleton(sp =>
        {
            var projection = sp.GetRequiredService<MemoryCustomerProjection>();
            var storage = new InProcessGrainStorage(
                new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()), sp.GetRequiredService<CustomerSummarySource>(), projection);
            projection.Storage = storage;
            return storage;
        });
        silo.Services.AddGrainStorage(StorageNames.Customers, (sp, _) => sp.GetRequiredService<InProcessGrainStorage>());
        return silo;
    }

    /// <summary>What both kinds of storage need for the customer projection (docs/architecture.md, "Customer projection").</summary>
    private static void AddProjection(IServiceCollection services)
    {
        services.TryAddSingleton<CustomerSummarySource>();
        services.TryAddSingleton<ProjectionRebuilds>();
    }

    private static void UsePostgresStorage(ISiloBuilder silo, IConfiguration configuration, StorageOptions storage)
    {
        var connectionString = PostgresConnectionTuning.Apply(storage.ConnectionString!);
        silo.Services.AddSingleton(new PostgresSchemaStartup.Settings(connectionString, storage.ApplySchema, SchemaRequirement.For(storage)));
        silo.Services.AddHostedService<PostgresSchemaStartup>();

        // Orleans' own binary format: state classes are [GenerateSerializer] with [Id]s, so
        // fields can be added without breaking stored rows, and no CLR type name is stored.
        var grainState = configuration.GetSection(GrainStateOptions.SectionName).Get<GrainStateOptions>() ?? new GrainStateOptions();
        grainState.Validate();
        silo.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        silo.Services.AddSingleton(sp => new StateWriteBatches(sp.GetRequiredService<NpgsqlDataSource>(), grainState, sp.GetRequiredService<GrainStateStatistics>()));
        silo.Services.AddGrainStorage(StorageNames.Customers, (sp, _) => new PostgresGrainStorage(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<StateWriteBatches>(),
            new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()),
            sp.GetRequiredService<IOptions<ClusterOptions>>(),
            sp.GetRequiredService<CustomerSummarySource>()));
        AddProjection(silo.Services);
        silo.Services.AddSingleton<ICustomerProjection>(sp => new PostgresCustomerProjection(
            sp.GetRequiredService<NpgsqlDataSource>(),
            new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()),
            sp.GetRequiredService<CustomerSummarySource>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId));
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connectionString;
        });
    }

    private static void UsePostgresClustering(ISiloBuilder silo, IConfiguration configuration, OrleansOptions orleans, string connectionString)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = orleans.ClusterId;
            o.ServiceId = orleans.ServiceId;
        });

        // The address other silos and clients dial; it is stored in the membership table. The
        // silo listens there only, unless told to listen on every interface (docs/security.md).
        var advertised = configuration["Orleans:AdvertisedIPAddress"];
        if (string.IsNullOrWhiteSpace(advertised))
        {
            silo.ConfigureEndpoints(orleans.SiloPort, orleans.GatewayPort, listenOnAnyHostAddress: orleans.ListenOnAnyHostAddress);
        }
        else
        {
            silo.ConfigureEndpoints(IPAddress.Parse(advertised), orleans.SiloPort, orleans.GatewayPort, listenOnAnyHostAddress: orleans.ListenOnAnyHostAddress);
        }

        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connectionString;
        });
    }
}

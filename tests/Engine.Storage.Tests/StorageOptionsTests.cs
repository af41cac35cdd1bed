using Engine.Silo.Storage;
using Microsoft.Extensions.Configuration;

namespace Engine.Storage.Tests;

[Trait("Category", "Unit")]
public sealed class StorageOptionsTests
{
    [Fact]
    public void Without_a_Storage_section_the_silo_keeps_memory_storage_and_localhost_clustering()
    {
        var options = StorageOptions.From(Configuration([]));

        Assert.Equal(StorageProvider.Memory, options.Provider);
        Assert.Equal(ClusteringProvider.Localhost, options.Clustering);
        Assert.False(options.ApplySchema);
        options.Validate();
    }

    [Fact]
    public void The_connection_string_falls_back_to_ConnectionStrings_Engine()
    {
        var options = StorageOptions.From(Configuration(new()
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Engine"] = "Host=db;Database=engine",
        }));

        Assert.Equal(StorageProvider.Postgres, options.Provider);
        Assert.Equal("Host=db;Database=engine", options.ConnectionString);
        options.Validate();
    }

    [Fact]
    public void Postgres_without_a_connection_string_is_refused_with_the_keys_to_set()
    {
        var options = StorageOptions.From(Configuration(new() { ["Storage:Provider"] = "postgres" }));

        var error = Assert.Throws<InvalidOperationException>(() => options.Validate());
        Assert.Contains("Storage:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Engine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_clustering_needs_postgres_storage()
    {
        var options = StorageOptions.From(Configuration(new() { ["Storage:Clustering"] = "postgres" }));

        Assert.Throws<InvalidOperationException>(() => options.Validate());
    }

    [Fact]
    public void Logs_and_errors_name_the_server_but_never_the_password()
    {
        var described = PostgresSchemaStartup.Describe("Host=db.internal;Port=5433;Database=engine;Username=engine;Password=s3cret");

        Assert.Equal("db.internal:5433/engine", described);
    }

    [Fact]
    public void The_silo_carries_every_deploy_sql_script_in_order()
    {
        var names = SchemaScripts.All.Select(s => s.Name).ToList();

        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "deploy", "sql"), "*.sql").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(files, names);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}

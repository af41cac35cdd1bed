namespace Engine.Silo.Storage;

/// <summary>
/// Where grain state, reminders and (optionally) cluster membership live. Bound from
/// "Storage"; the connection string may also come from <c>ConnectionStrings:Engine</c>
/// (environment <c>ConnectionStrings__Engine</c>). See deploy/sql/README.md.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The name looked up with <c>GetConnectionString</c> when <see cref="ConnectionString"/> is empty.</summary>
    public const string ConnectionStringName = "Engine";

    /// <summary><c>memory</c> (default: nothing survives a restart) or <c>postgres</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Memory;

    /// <summary>Npgsql connection string. Never logged: it usually holds a password.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Apply deploy/sql at start-up (idempotent, under an advisory lock). When false the
    /// silo only checks the schema is there and refuses to start, naming what is missing.
    /// </summary>
    public bool ApplySchema { get; set; }

    /// <summary>
    /// <c>localhost</c> (default: a single-silo development cluster) or <c>postgres</c>
    /// (membership in the database; needs <see cref="Provider"/> = postgres).
    /// </summary>
    public ClusteringProvider Clustering { get; set; } = ClusteringProvider.Localhost;

    /// <summary>
    /// Lets memory storage run with an external Kafka cluster (tests, benchmarks). Otherwise
    /// that start is refused: offsets committed to a cluster that outlives the silo would
    /// stand for state the next start no longer has.
    /// </summary>
    public bool AllowMemoryWithExternalKafka { get; set; }

    /// <summary>Reads the section, falling back to <c>ConnectionStrings:Engine</c> for the connection string.</summary>
    public static StorageOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(SectionName).Get<StorageOptions>() ?? new StorageOptions();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            options.ConnectionString = configuration.GetConnectionString(ConnectionStringName);
        }

        return options;
    }

    /// <summary>Throws when the combination cannot work, before anything starts.</summary>
    /// <param name="ingestsExternalKafka">The silo reads (and commits offsets on) a Kafka cluster that is not its embedded broker.</param>
    public void Validate(bool ingestsExternalKafka = false)
    {
        if (Provider == StorageProvider.Memory && ingestsExternalKafka && !AllowMemoryWithExternalKafka)
        {
            throw new InvalidOperationException(
                "Storage:Provider=memory with Kafka:BootstrapServers set would commit offsets on that cluster for state a restart loses: " +
                "set Storage:Provider=postgres, or Storage:AllowMemoryWithExternalKafka=true for a test.");
        }

        if (Provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException(
                "Storage:Provider=postgres needs a connection string: set Storage:ConnectionString or ConnectionStrings:Engine (environment ConnectionStrings__Engine).");
        }

        if (Clustering == ClusteringProvider.Postgres && Provider != StorageProvider.Postgres)
        {
            throw new InvalidOperationException("Storage:Clustering=postgres needs Storage:Provider=postgres (membership lives in the same database).");
        }
    }
}

/// <summary>Backing store for grain state and reminders.</summary>
public enum StorageProvider
{
    Memory,
    Postgres,
}

/// <summary>How silos find each other.</summary>
public enum ClusteringProvider
{
    Localhost,
    Postgres,
}

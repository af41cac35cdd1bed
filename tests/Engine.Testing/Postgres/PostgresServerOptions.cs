namespace Engine.Testing.Postgres;

/// <summary>How a throwaway PostgreSQL server is started.</summary>
public sealed record PostgresServerOptions
{
    /// <summary>
    /// On: fsync, synchronous_commit and full_page_writes as in production (PostgreSQL's
    /// defaults), so commits wait for the disk. Off (tests): the same SQL, much faster, lost in a power cut.
    /// </summary>
    public bool Durable { get; init; }

    /// <summary>More server settings (<c>-c name=value</c>, values without spaces); they win over the recipe's.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Start of the temporary directory's name, to tell whose server a leftover directory was.</summary>
    public string DirectoryPrefix { get; init; } = "engine-pg-";
}

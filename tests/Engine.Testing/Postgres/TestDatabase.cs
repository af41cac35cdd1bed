using Npgsql;

namespace Engine.Testing.Postgres;

/// <summary>One database of a test (or of a benchmark run), created empty.</summary>
public sealed record TestDatabase(string Name, string ConnectionString)
{
    /// <summary>The same database as a libpq URL, for psql.</summary>
    public string Url
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
        }
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}

using Engine.Testing.Postgres;

namespace Engine.Storage.Tests;

/// <summary>
/// One PostgreSQL server for the tests of a collection (<see cref="PostgresServer.StartForTestsAsync"/>:
/// a throwaway one, or the server ENGINE_TEST_PG names); each test asks for a database of its own.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not started.");

    /// <summary>Where psql and the server programs live (null for an external server).</summary>
    public string? BinDirectory => Server.BinDirectory;

    public Task<TestDatabase> CreateDatabaseAsync() => Server.CreateDatabaseAsync();

    public async Task InitializeAsync() => _server = await PostgresServer.StartForTestsAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

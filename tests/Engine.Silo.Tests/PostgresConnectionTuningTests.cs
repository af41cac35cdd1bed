using Engine.Silo.Storage;
using Npgsql;

namespace Engine.Silo.Tests;

[Trait("Category", "Unit")]
public sealed class PostgresConnectionTuningTests
{
    [Fact]
    public void Statements_are_prepared_and_connections_not_reset_by_default()
    {
        var tuned = new NpgsqlConnectionStringBuilder(PostgresConnectionTuning.Apply("Host=db;Database=engine;Username=engine;Password=secret"));

        Assert.Equal(32, tuned.MaxAutoPrepare);
        Assert.Equal(2, tuned.AutoPrepareMinUsages);
        Assert.True(tuned.NoResetOnClose);
        Assert.Equal(("db", "engine", "engine", "secret"), (tuned.Host, tuned.Database, tuned.Username, tuned.Password));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;Auto Prepare Min Usages=5;No Reset On Close=false")]
    [InlineData("Host=db;maxautoprepare=0;AUTOPREPAREMINUSAGES=5;NoResetOnClose=false")]
    public void What_the_connection_string_says_wins(string connectionString)
    {
        var tuned = new NpgsqlConnectionStringBuilder(PostgresConnectionTuning.Apply(connectionString));

        Assert.Equal(0, tuned.MaxAutoPrepare);
        Assert.Equal(5, tuned.AutoPrepareMinUsages);
        Assert.False(tuned.NoResetOnClose);
    }
}

using System.Data.Common;
using Npgsql;

namespace Engine.Silo.Storage;

/// <summary>
/// Npgsql settings the Orleans providers' traffic benefits from, applied unless the connection
/// string sets them itself. Every state write is the same parameterized statement: prepared
/// once per connection it skips parsing and planning (about half its server time in the
/// durable benchmark). The providers keep no session state, so the five reset statements
/// Npgsql sends each time a connection goes back to the pool are pure overhead.
/// </summary>
public static class PostgresConnectionTuning
{
    public static string Apply(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var keys = given.Keys.Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!keys.Contains("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 32;
        }

        if (!keys.Contains("AutoPrepareMinUsages"))
        {
            builder.AutoPrepareMinUsages = 2;
        }

        if (!keys.Contains("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }
}

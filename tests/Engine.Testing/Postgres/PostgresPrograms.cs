namespace Engine.Testing.Postgres;

/// <summary>Where the PostgreSQL server programs (initdb, pg_ctl, psql) are installed.</summary>
public sealed record PostgresPrograms(string BinDirectory)
{
    /// <summary>Names the directory holding the programs, instead of the newest /usr/lib/postgresql/*/bin.</summary>
    public const string BinDirectoryVariable = "ENGINE_TEST_PG_BIN";

    /// <summary>The major version, as Debian names its directory (/usr/lib/postgresql/15/bin: "15").</summary>
    public string Version => Path.GetFileName(Path.GetDirectoryName(BinDirectory.TrimEnd('/'))) ?? "?";

    public string PathOf(string program) => Path.Combine(BinDirectory, program);

    public static PostgresPrograms Find()
    {
        var configured = Environment.GetEnvironmentVariable(BinDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new PostgresPrograms(configured);
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return installed is not null
            ? new PostgresPrograms(installed)
            : throw new InvalidOperationException(
                "PostgreSQL server programs (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin. Install them (scripts/install-deps.sh, "
                + $"or apt-get install -y postgresql), set {BinDirectoryVariable} to the directory holding them, or, for the tests, "
                + $"set {PostgresServer.ExternalServerVariable} to the connection string of an existing server (a superuser).");
    }
}

namespace Engine.Testing;

/// <summary>The repository around this test build: its root, and the built silo and admin client.</summary>
public static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: whatever this test assembly was built as.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string SiloDirectory => Path.Combine(Root, "silo", "bin", Configuration, "net10.0");

    public static string SiloAssembly => Path.Combine(SiloDirectory, "Engine.Silo.dll");

    public static string ClientAssembly => Path.Combine(Root, "client", "bin", Configuration, "net10.0", "engine-admin.dll");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Engine.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Engine.sln not found above " + AppContext.BaseDirectory);
    }
}

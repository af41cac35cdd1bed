using System.Reflection;

namespace Engine.Silo.Storage;

/// <summary>One of the versioned scripts in deploy/sql, embedded in the silo assembly.</summary>
/// <param name="Name">The file name without extension, e.g. <c>0002_orleans_persistence</c>; recorded in engine_schema_version.</param>
/// <param name="Sql">The script text, exactly as operators apply it with psql.</param>
public sealed record SchemaScript(string Name, string Sql);

/// <summary>
/// The deploy/sql scripts in the order they are applied (by file name). They are embedded
/// from deploy/sql at build time, so the silo and the operators apply the same text.
/// </summary>
public static class SchemaScripts
{
    private const string ResourcePrefix = "EngineSql/";

    private static readonly Lazy<IReadOnlyList<SchemaScript>> Scripts = new(Load);

    public static IReadOnlyList<SchemaScript> All => Scripts.Value;

    private static IReadOnlyList<SchemaScript> Load()
    {
        var assembly = typeof(SchemaScripts).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new SchemaScript(Path.GetFileNameWithoutExtension(name[ResourcePrefix.Length..]), Read(assembly, name)))
            .ToList();
        if (scripts.Count == 0)
        {
            throw new InvalidOperationException("The silo was built without its deploy/sql scripts (no EngineSql/*.sql resources).");
        }

        return scripts;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

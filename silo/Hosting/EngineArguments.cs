namespace Engine.Silo.Hosting;

/// <summary>Turns the silo's bare flags into configuration keys.</summary>
public static class EngineArguments
{
    /// <summary><c>--demo</c> becomes <c>Demo:Enabled=true</c>; everything else passes through.</summary>
    public static string[] Normalize(string[] args) =>
        [.. args.Select(a => a == "--demo" ? "--Demo:Enabled=true" : a)];
}

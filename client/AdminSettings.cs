using Microsoft.Extensions.Configuration;

namespace Engine.Client;

/// <summary>
/// Where engine-admin's defaults come from, weakest first: a JSON config file, then the
/// environment (the silo's own names, e.g. Orleans__GatewayPort); flags win over both. The file
/// is <c>ENGINE_ADMIN_CONFIG</c>, else <c>$XDG_CONFIG_HOME/engine-admin/config.json</c> (or
/// <c>~/.config/engine-admin/config.json</c>) when it exists, with the silo's keys:
/// <c>{"Orleans": {"GatewayPort": 30001, "ClusterId": "prod"}}</c>.
/// </summary>
public static class AdminSettings
{
    public const string ConfigFileVariable = "ENGINE_ADMIN_CONFIG";

    private static IConfiguration _current = new ConfigurationBuilder().AddEnvironmentVariables().Build();

    public static IConfiguration Current => _current;

    /// <summary>The config file in use, if any.</summary>
    public static string? ConfigFile { get; private set; }

    /// <summary>Reads the file and the environment; returns a problem to report (and exit 2 on), or null.</summary>
    public static string? Load()
    {
        var named = Environment.GetEnvironmentVariable(ConfigFileVariable);
        var path = !string.IsNullOrWhiteSpace(named) ? Path.GetFullPath(named.Trim()) : DefaultFile();
        if (!string.IsNullOrWhiteSpace(named) && !File.Exists(path))
        {
            return $"{ConfigFileVariable} names {path}, which does not exist.";
        }

        var builder = new ConfigurationBuilder();
        if (path is not null && File.Exists(path))
        {
            builder.AddJsonFile(path, optional: false, reloadOnChange: false);
            ConfigFile = path;
        }

        try
        {
            _current = builder.AddEnvironmentVariables().Build();
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException)
        {
            return $"cannot read the config file {path}: {e.InnerException?.Message ?? e.Message}";
        }
    }

    /// <summary>A setting by its environment variable name (Orleans__GatewayPort), from the file or the environment.</summary>
    public static string? Get(string variable) =>
        _current[variable.Replace("__", ":", StringComparison.Ordinal)] is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static string? DefaultFile()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var root = !string.IsNullOrWhiteSpace(xdg) ? xdg : string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".config");
        return root is null ? null : Path.Combine(root, "engine-admin", "config.json");
    }
}

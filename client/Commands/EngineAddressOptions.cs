using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Engine.Client.Commands;

/// <summary>
/// The options every command shares to find the cluster. Each falls back to the same
/// environment variable the silo reads (Orleans__GatewayPort, ...), then to the dev default.
/// </summary>
public sealed class EngineAddressOptions
{
    public const string GatewayPortVariable = "Orleans__GatewayPort";
    public const string ClusterIdVariable = "Orleans__ClusterId";
    public const string ServiceIdVariable = "Orleans__ServiceId";

    public Option<int> GatewayPort { get; } = new("--gateway-port")
    {
        Description = $"The silo's gateway port on localhost (env {GatewayPortVariable})",
        HelpName = "PORT",
        Recursive = true,
        DefaultValueFactory = PortFromEnvironment,
    };

    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = $"The Orleans cluster id (env {ClusterIdVariable})",
        HelpName = "ID",
        Recursive = true,
        DefaultValueFactory = _ => FromEnvironment(ClusterIdVariable) ?? "engagement-dev",
    };

    public Option<string> ServiceId { get; } = new("--service-id")
    {
        Description = $"The Orleans service id (env {ServiceIdVariable})",
        HelpName = "ID",
        Recursive = true,
        DefaultValueFactory = _ => FromEnvironment(ServiceIdVariable) ?? "engagement-engine",
    };

    public EngineAddressOptions()
    {
        GatewayPort.Validators.Add(result =>
        {
            // A port from the environment was checked when it was read.
            if (!result.Implicit && result.GetValueOrDefault<int>() is var port && !IsPort(port))
            {
                result.AddError($"--gateway-port must be between 1 and 65535, not {port}.");
            }
        });
        ClusterId.Validators.Add(RequireText);
        ServiceId.Validators.Add(RequireText);
    }

    public void AddTo(Command command)
    {
        command.Add(GatewayPort);
        command.Add(ClusterId);
        command.Add(ServiceId);
    }

    public EngineAddress Read(ParseResult parseResult) => new(
        parseResult.GetValue(GatewayPort),
        parseResult.GetRequiredValue(ClusterId),
        parseResult.GetRequiredValue(ServiceId));

    private static int PortFromEnvironment(ArgumentResult result)
    {
        if (FromEnvironment(GatewayPortVariable) is not { } text)
        {
            return 30000;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && IsPort(port))
        {
            return port;
        }

        result.AddError($"{GatewayPortVariable} is not a port number: '{text}'.");
        return 0;
    }

    private static bool IsPort(int value) => value is >= 1 and <= 65535;

    private static string? FromEnvironment(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static void RequireText(OptionResult result)
    {
        if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
        {
            result.AddError($"{result.Option.Name} must not be empty.");
        }
    }
}

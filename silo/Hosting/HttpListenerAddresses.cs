using System.Net;

namespace Engine.Silo.Hosting;

/// <summary>
/// Where the silo's HTTP server will listen, read from configuration before it starts:
/// <c>Urls</c> (also <c>ASPNETCORE_URLS</c>, <c>--urls</c>), <c>HTTP_PORTS</c>/<c>HTTPS_PORTS</c>
/// (<c>ASPNETCORE_HTTP_PORTS</c>: every interface) and <c>Kestrel:Endpoints:*:Url</c>.
/// Nothing configured means ASP.NET Core's default, http://localhost:5000.
/// </summary>
public static class HttpListenerAddresses
{
    /// <summary>The configuration keys an operator sets to choose the listener, for error messages.</summary>
    public const string Keys = "Urls (environment ASPNETCORE_URLS or Urls), HTTP_PORTS/HTTPS_PORTS, Kestrel:Endpoints:<name>:Url";

    /// <summary>Every URL the server is configured to listen on.</summary>
    public static IReadOnlyList<string> Configured(IConfiguration configuration)
    {
        var urls = new List<string>();
        foreach (var key in new[] { "urls", "ASPNETCORE_URLS" })
        {
            urls.AddRange(Split(configuration[key]));
        }

        foreach (var (key, scheme) in new[] { ("http_ports", "http"), ("https_ports", "https"), ("ASPNETCORE_HTTP_PORTS", "http"), ("ASPNETCORE_HTTPS_PORTS", "https") })
        {
            urls.AddRange(Split(configuration[key]).Select(port => $"{scheme}://*:{port}"));
        }

        urls.AddRange(configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(endpoint => endpoint["Url"])
            .OfType<string>()
            .Where(url => url.Length > 0));
        return urls.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>True when no configured URL can be reached from another host.</summary>
    public static bool LoopbackOnly(IConfiguration configuration) => Configured(configuration).All(IsLoopback);

    /// <summary>localhost or a loopback IP; wildcards (*, +, 0.0.0.0, [::]) and host names are not.</summary>
    public static bool IsLoopback(string url)
    {
        // "*" and "+" are not valid URI hosts: they mean every interface.
        if (!Uri.TryCreate(url.Replace("://*", "://any.invalid", StringComparison.Ordinal).Replace("://+", "://any.invalid", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        var host = uri.Host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    private static IEnumerable<string> Split(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

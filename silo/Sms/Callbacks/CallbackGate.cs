using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Engine.Silo.Sms.Callbacks;

/// <summary>
/// Decides whether a gateway callback may be handled: its source address against the
/// allow-list, then its token against the configured secret. Pure: no I/O, no grains, so
/// a refused request has changed nothing.
/// </summary>
public sealed class CallbackGate
{
    private readonly byte[]? _tokenDigest;
    private readonly IReadOnlyList<IPNetwork> _allowed;

    public CallbackGate(string token, IEnumerable<IPNetwork> allowedSources)
    {
        _tokenDigest = token.Length > 0 ? Digest(token) : null;
        _allowed = [.. allowedSources];
    }

    /// <summary>From validated options (the validator has checked every source parses).</summary>
    public static CallbackGate From(SmsCallbackOptions options) =>
        new(options.Token, options.AllowedSources.Select(source => AllowedSource.TryParse(source, out var network) ? network : throw new FormatException($"not an address or CIDR range: {source}")));

    /// <summary>True when a token is configured, i.e. callbacks without it are refused.</summary>
    public bool RequiresToken => _tokenDigest is not null;

    public CallbackRefusal Check(StringValues token, IPAddress? source)
    {
        if (_allowed.Count > 0 && (source is null || !_allowed.Any(network => network.Contains(Unmapped(source)))))
        {
            return CallbackRefusal.Source;
        }

        if (_tokenDigest is null)
        {
            return CallbackRefusal.None;
        }

        if (token.Count != 1 || string.IsNullOrEmpty(token[0]))
        {
            return CallbackRefusal.NoToken;
        }

        // Equal-length digests: the comparison's time says nothing about the token's length or prefix.
        return CryptographicOperations.FixedTimeEquals(Digest(token[0]!), _tokenDigest) ? CallbackRefusal.None : CallbackRefusal.WrongToken;
    }

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    // Kestrel on a dual-stack socket reports IPv4 callers as ::ffff:a.b.c.d.
    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

/// <summary>One entry of <see cref="SmsCallbackOptions.AllowedSources"/>: a single address or a CIDR range.</summary>
public static class AllowedSource
{
    public static bool TryParse(string text, out IPNetwork network)
    {
        text = text.Trim();
        if (IPAddress.TryParse(text, out var single) && !text.Contains('/', StringComparison.Ordinal))
        {
            network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        // "10.0.0.1/24" is most likely a typo for one address or for 10.0.0.0/24: refuse it.
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return IPNetwork.TryParse(text, out network)
            && slash > 0
            && IPAddress.TryParse(text[..slash], out var written)
            && written.Equals(network.BaseAddress);
    }
}

using Engine.Silo.Hosting;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Sms.Callbacks;

/// <summary>
/// Refuses a token Kannel would mangle or a guessable one, an allow-list entry that does not
/// parse, and a Kannel silo whose callbacks anyone on the network could call: with the Kannel
/// provider and no token, the HTTP listener must be loopback only.
/// </summary>
public sealed class SmsCallbackOptionsValidator(IConfiguration configuration, IOptions<SmsGatewayOptions> gateway) : IValidateOptions<SmsCallbackOptions>
{
    /// <summary>About 96 bits from a random alphanumeric generator; shorter is guessable over the network.</summary>
    public const int MinimumTokenLength = 16;

    public ValidateOptionsResult Validate(string? name, SmsCallbackOptions options)
    {
        var problems = new SectionProblems(SmsCallbackOptions.SectionName);
        if (options.Token.Length > 0)
        {
            // Never show the token itself, only what is wrong with it.
            problems.Require(options.Token.Length >= MinimumTokenLength, "Token", $"must be at least {MinimumTokenLength} characters", $"{options.Token.Length}");
            problems.Require(options.Token.All(IsUrlSafe), "Token", "must hold only letters, digits, '-', '_' and '.' (Kannel expands % in URLs)", "other characters");
        }

        for (var i = 0; i < options.AllowedSources.Count; i++)
        {
            var source = options.AllowedSources[i];
            problems.Require(AllowedSource.TryParse(source, out _), $"AllowedSources:{i}", "must be an IP address or a CIDR range with no host bits (10.0.0.0/24)", $"\"{source}\"");
        }

        if (options.Token.Length == 0
            && string.Equals(gateway.Value.Provider, SmsGatewayProviders.Kannel, StringComparison.OrdinalIgnoreCase)
            && !HttpListenerAddresses.LoopbackOnly(configuration))
        {
            var listening = string.Join(", ", HttpListenerAddresses.Configured(configuration));
            problems.Require(false, "Token",
                $"must be set (environment Sms__Callbacks__Token) when Sms:Gateway:Provider is kannel and the HTTP listener is not loopback only; or listen on 127.0.0.1 only ({HttpListenerAddresses.Keys})",
                $"no token while listening on {listening}");
        }

        return problems.Result();
    }

    private static bool IsUrlSafe(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';
}

using Engine.Domain.Sms;
using Engine.Grains;
using Engine.Silo.Hosting;
using Engine.Silo.Storage;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Sms;

/// <summary>
/// Refuses a default region libphonenumber does not know, a short suppression-list key, and
/// durable storage without a key of its own: the development key is public, and a key
/// changed later orphans every opt-out recorded under the old one.
/// </summary>
public sealed class PhoneNumberOptionsValidator(IConfiguration configuration) : IValidateOptions<PhoneNumberOptions>
{
    public ValidateOptionsResult Validate(string? name, PhoneNumberOptions options)
    {
        var problems = new SectionProblems(PhoneNumberOptions.SectionName);
        if (options.DefaultRegion.Length > 0)
        {
            problems.Require(NumberNormalisation.IsKnownRegion(options.DefaultRegion), "DefaultRegion", "must be a two-letter region libphonenumber knows, e.g. FR or US", $"\"{options.DefaultRegion}\"");
        }

        if (options.Key.Length > 0)
        {
            // Never show the key itself, only what is wrong with it.
            problems.Require(options.Key.Length >= NumberKey.MinimumSecretBytes, "Key", $"must be at least {NumberKey.MinimumSecretBytes} characters (e.g. openssl rand -hex 32)", $"{options.Key.Length}");
        }
        else
        {
            problems.Require(!string.Equals(configuration["Storage:Provider"], nameof(StorageProvider.Postgres), StringComparison.OrdinalIgnoreCase), "Key",
                "must be set (environment Sms__Numbers__Key) with Storage:Provider=postgres: the development key is public and the suppression list outlives a restart",
                "empty");
        }

        return problems.Result();
    }
}

using Engine.Grains;
using Engine.Silo.Sms;
using Microsoft.Extensions.Configuration;

namespace Engine.Silo.Tests.Configuration;

[Trait("Category", "Unit")]
public sealed class PhoneNumberOptionsValidatorTests
{
    private const string Key = "suppression-list-key-0123456789abcdef";

    [Fact]
    public void Defaults_are_valid_on_memory_storage() => Assert.Empty(Validator().Problems(new PhoneNumberOptions()));

    [Fact]
    public void PostgreSQL_storage_without_a_key_is_refused_naming_the_key()
    {
        var problem = Assert.Single(Validator(("Storage:Provider", "postgres")).Problems(new PhoneNumberOptions()));

        Assert.StartsWith("Sms:Numbers:Key must be set (environment Sms__Numbers__Key)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSQL_storage_with_a_key_and_a_region_is_valid() =>
        Assert.Empty(Validator(("Storage:Provider", "Postgres")).Problems(new PhoneNumberOptions { Key = Key, DefaultRegion = "fr" }));

    [Fact]
    public void A_short_key_is_refused_without_showing_it()
    {
        var problem = Assert.Single(Validator().Problems(new PhoneNumberOptions { Key = "short-secret" }));

        Assert.StartsWith("Sms:Numbers:Key must be at least 32 characters", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("France")]
    public void An_unknown_default_region_is_refused(string region) =>
        Assert.StartsWith("Sms:Numbers:DefaultRegion must be", Assert.Single(Validator().Problems(new PhoneNumberOptions { DefaultRegion = region })), StringComparison.Ordinal);

    private static PhoneNumberOptionsValidator Validator(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());
}

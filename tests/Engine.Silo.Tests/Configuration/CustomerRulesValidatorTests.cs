using Engine.Domain.Customers;
using Engine.Silo.Hosting;

namespace Engine.Silo.Tests.Configuration;

[Trait("Category", "Unit")]
public sealed class CustomerRulesValidatorTests
{
    private static readonly CustomerRulesValidator Validator = new();

    [Fact]
    public void Defaults_are_valid() => Assert.Empty(Validator.Problems(new CustomerRules()));

    [Theory]
    [InlineData("RollingWindowDays", "0", "Rules:RollingWindowDays must be positive, got 0")]
    [InlineData("Engagement:HalfLife", "00:00:00", "Rules:Engagement:HalfLife must be positive, got 00:00:00")]
    [InlineData("ExchangeRates:EUR", "0", "Rules:ExchangeRates:EUR must be positive, got 0")]
    [InlineData("Dedupe:RecentEventIds", "0", "Rules:Dedupe:RecentEventIds must be positive, got 0")]
    [InlineData("Dedupe:KeyRetentionDays", "0", "Rules:Dedupe:KeyRetentionDays must be positive, got 0")]
    [InlineData("Dedupe:MaxKeys", "-1", "Rules:Dedupe:MaxKeys must be positive, got -1")]
    public void Bad_value_is_refused_naming_its_key(string key, string value, string problem)
    {
        var options = Configured.Bind<CustomerRules>("Rules", (key, value));

        Assert.Equal([problem], Validator.Problems(options));
    }

    [Fact]
    public void Loyalty_problems_are_shown_in_their_own_words()
    {
        var rules = new CustomerRules();
        rules.Loyalty.ExpiryMonths = 0;

        Assert.Contains("Loyalty:ExpiryMonths must be at least 1", Validator.Problems(rules));
    }
}

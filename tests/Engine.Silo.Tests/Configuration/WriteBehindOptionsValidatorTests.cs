using Engine.Grains;
using Engine.Silo.Hosting;

namespace Engine.Silo.Tests.Configuration;

[Trait("Category", "Unit")]
public sealed class WriteBehindOptionsValidatorTests
{
    private static readonly WriteBehindOptionsValidator Validator = new();

    [Fact]
    public void Defaults_are_valid() => Assert.Empty(Validator.Problems(new WriteBehindOptions()));

    [Theory]
    [InlineData("MaxUnsavedEvents", "0", "WriteBehind:MaxUnsavedEvents must be positive, got 0")]
    [InlineData("MaxUnsavedEvents", "-1", "WriteBehind:MaxUnsavedEvents must be positive, got -1")]
    [InlineData("MaxUnsavedAge", "-00:00:01", "WriteBehind:MaxUnsavedAge must not be negative, got -00:00:01")]
    [InlineData("MaxEffectDelay", "-00:00:01", "WriteBehind:MaxEffectDelay must not be negative, got -00:00:01")]
    public void Bad_value_is_refused_naming_its_key(string key, string value, string problem)
    {
        var options = Configured.Bind<WriteBehindOptions>("WriteBehind", (key, value));

        Assert.Equal([problem], Validator.Problems(options));
    }

    [Theory]
    [InlineData("MaxUnsavedAge")]
    [InlineData("MaxEffectDelay")]
    public void Zero_delay_is_allowed_because_it_means_write_without_waiting(string key)
    {
        var options = Configured.Bind<WriteBehindOptions>("WriteBehind", (key, "00:00:00"));

        Assert.Empty(Validator.Problems(options));
    }
}

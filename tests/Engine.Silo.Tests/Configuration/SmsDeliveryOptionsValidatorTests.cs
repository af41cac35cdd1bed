using Engine.Grains;
using Engine.Silo.Sms;

namespace Engine.Silo.Tests.Configuration;

[Trait("Category", "Unit")]
public sealed class SmsDeliveryOptionsValidatorTests
{
    private static readonly SmsDeliveryOptionsValidator Validator = new();

    [Fact]
    public void Defaults_are_valid() => Assert.Empty(Validator.Problems(new SmsDeliveryOptions()));

    [Theory]
    [InlineData("MaxAttempts", "0", "Sms:MaxAttempts must be positive, got 0")]
    [InlineData("FirstRetryDelay", "00:00:00", "Sms:FirstRetryDelay must be positive, got 00:00:00")]
    [InlineData("MaxRetryDelay", "00:00:01", "Sms:MaxRetryDelay must be at least Sms:FirstRetryDelay (00:00:05), got 00:00:01")]
    public void Bad_value_is_refused_naming_its_key(string key, string value, string problem)
    {
        var options = Configured.Bind<SmsDeliveryOptions>("Sms", (key, value));

        Assert.Equal([problem], Validator.Problems(options));
    }
}

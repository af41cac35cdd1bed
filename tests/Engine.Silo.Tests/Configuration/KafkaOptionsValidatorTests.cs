using Engine.Silo.Kafka;

namespace Engine.Silo.Tests.Configuration;

[Trait("Category", "Unit")]
public sealed class KafkaOptionsValidatorTests
{
    private static readonly KafkaOptionsValidator Validator = new();

    [Fact]
    public void Defaults_are_valid() => Assert.Empty(Validator.Problems(new KafkaOptions()));

    [Theory]
    [InlineData("Embedded:Partitions", "0", "Kafka:Embedded:Partitions must be positive, got 0")]
    [InlineData("Embedded:Brokers", "0", "Kafka:Embedded:Brokers must be positive, got 0")]
    [InlineData("GroupId", " ", "Kafka:GroupId must not be empty, got \" \"")]
    [InlineData("Topics:Clicks", " ", "Kafka:Topics:Clicks must not be empty, got \" \"")]
    [InlineData("Topics:DeadLetter", "engagement.purchases", "Kafka:Topics:DeadLetter must not be a topic the engine reads, got \"engagement.purchases\"")]
    [InlineData("Topics:TierChanges", "engagement.customers", "Kafka:Topics:TierChanges must not be a topic the engine reads, got \"engagement.customers\"")]
    public void Bad_value_is_refused_naming_its_key(string key, string value, string problem)
    {
        var options = Configured.Bind<KafkaOptions>("Kafka", (key, value));

        Assert.Equal([problem], Validator.Problems(options));
    }
}

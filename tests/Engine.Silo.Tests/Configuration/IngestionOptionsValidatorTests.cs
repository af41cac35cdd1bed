using Engine.Silo.Ingestion;

namespace Engine.Silo.Tests.Configuration;

[Trait("Category", "Unit")]
public sealed class IngestionOptionsValidatorTests
{
    private static readonly IngestionOptionsValidator Validator = new();

    [Fact]
    public void Defaults_are_valid() => Assert.Empty(Validator.Problems(new IngestionOptions()));

    [Theory]
    [InlineData("MaxBatchEvents", "0", "Ingestion:MaxBatchEvents must be positive, got 0")]
    [InlineData("MaxEventsPerCall", "0", "Ingestion:MaxEventsPerCall must be positive, got 0")]
    [InlineData("MaxEventsPerCall", "-5", "Ingestion:MaxEventsPerCall must be positive, got -5")]
    [InlineData("FlushConcurrency", "0", "Ingestion:FlushConcurrency must be positive, got 0")]
    [InlineData("MaxEventBytes", "0", "Ingestion:MaxEventBytes must be positive, got 0")]
    [InlineData("MaxBatchWait", "00:00:00", "Ingestion:MaxBatchWait must be positive, got 00:00:00")]
    [InlineData("CheckpointInterval", "00:00:00", "Ingestion:CheckpointInterval must be positive, got 00:00:00")]
    [InlineData("CheckpointInterval", "-00:00:01", "Ingestion:CheckpointInterval must be positive, got -00:00:01")]
    [InlineData("InitialRetryDelay", "00:00:00", "Ingestion:InitialRetryDelay must be positive, got 00:00:00")]
    [InlineData("MaxApplyAttempts", "0", "Ingestion:MaxApplyAttempts must be positive, got 0")]
    [InlineData("ApplyRetryDelay", "00:00:00", "Ingestion:ApplyRetryDelay must be positive, got 00:00:00")]
    [InlineData("Bounds:MaxAmount", "0", "Ingestion:Bounds:MaxAmount must be positive, got 0")]
    [InlineData("Bounds:MaxQuantity", "-1", "Ingestion:Bounds:MaxQuantity must be positive, got -1")]
    [InlineData("Bounds:MaxLinesPerOrder", "0", "Ingestion:Bounds:MaxLinesPerOrder must be positive, got 0")]
    public void Zero_or_negative_value_is_refused_naming_its_key(string key, string value, string problem)
    {
        var options = Configured.Bind<IngestionOptions>("Ingestion", (key, value));

        Assert.Equal([problem], Validator.Problems(options));
    }

    [Fact]
    public void Max_retry_delay_below_the_first_delay_is_refused()
    {
        var options = Configured.Bind<IngestionOptions>("Ingestion", ("InitialRetryDelay", "00:00:02"), ("MaxRetryDelay", "00:00:01"));

        Assert.Equal(["Ingestion:MaxRetryDelay must be at least Ingestion:InitialRetryDelay (00:00:02), got 00:00:01"], Validator.Problems(options));
    }

    [Fact]
    public void Every_bad_value_is_named_at_once()
    {
        var options = Configured.Bind<IngestionOptions>("Ingestion", ("MaxEventsPerCall", "0"), ("FlushConcurrency", "0"));

        Assert.Equal(
            ["Ingestion:MaxEventsPerCall must be positive, got 0", "Ingestion:FlushConcurrency must be positive, got 0"],
            Validator.Problems(options));
    }
}

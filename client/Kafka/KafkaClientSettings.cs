using Confluent.Kafka;

namespace Engine.Client.Kafka;

/// <summary>
/// librdkafka properties for every Kafka client engine-admin makes (security above all: a real
/// cluster wants SASL or TLS), from section <c>Kafka:Client</c> of the config file or the
/// environment, e.g. <c>{"Kafka": {"Client": {"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512"}}}</c>
/// and the password only in the environment (<c>Kafka__Client__sasl.password</c>).
/// </summary>
public static class KafkaClientSettings
{
    public const string SectionName = "Kafka:Client";

    /// <summary>Sets the configured properties on <paramref name="config"/> (over what the command set).</summary>
    public static T Apply<T>(T config) where T : ClientConfig
    {
        foreach (var property in AdminSettings.Current.GetSection(SectionName).GetChildren())
        {
            if (property.Value is { Length: > 0 } value)
            {
                config.Set(property.Key, value);
            }
        }

        return config;
    }

    /// <summary>
    /// A property librdkafka refuses (unknown, or a bad value) would fail the first command
    /// that talks to Kafka; checked once at start instead. Returns the problem, or null.
    /// </summary>
    public static string? Check()
    {
        if (!AdminSettings.Current.GetSection(SectionName).GetChildren().Any())
        {
            return null;
        }

        try
        {
            Engine.Silo.Kafka.NativeKafka.EnsureLoaded();
            using var producer = new ProducerBuilder<byte[], byte[]>(Apply(new ProducerConfig { BootstrapServers = "127.0.0.1:9" })).SetLogHandler((_, _) => { }).Build();
            return null;
        }
        catch (Exception e) when (e is ArgumentException or KafkaException or InvalidOperationException)
        {
            return $"{SectionName}: {e.Message}";
        }
    }
}

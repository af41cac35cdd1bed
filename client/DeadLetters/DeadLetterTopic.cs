using Confluent.Kafka;
using Engine.Client.Kafka;
using Engine.Contracts;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace Engine.Client.DeadLetters;

/// <summary>
/// Reads and replays the engine's dead-letter topic with a consumer that belongs to no group
/// (it assigns every partition itself and commits nothing), so looking never moves anything.
/// </summary>
public sealed class DeadLetterTopic(string bootstrapServers, string topic)
{
    private static readonly TimeSpan BrokerTimeout = TimeSpan.FromSeconds(10);

    public string Topic => topic;

    /// <summary>Every dead letter the topic holds now, partition by partition in offset order.</summary>
    public IReadOnlyList<DeadLetter> ReadAll(CancellationToken cancellationToken, Action<long, long>? progress = null)
    {
        using var consumer = Consumer();
        var ends = Partitions(consumer)
            .Select(p => (Partition: p, Ends: consumer.QueryWatermarkOffsets(p, BrokerTimeout)))
            .Where(p => p.Ends.High.Value > p.Ends.Low.Value)
            .ToList();
        var total = ends.Sum(p => p.Ends.High.Value - p.Ends.Low.Value);
        var letters = new List<DeadLetter>();
        foreach (var (partition, watermarks) in ends)
        {
            consumer.Assign(new TopicPartitionOffset(partition, watermarks.Low));
            var next = watermarks.Low.Value;
            while (next < watermarks.High.Value)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var record = consumer.Consume(BrokerTimeout) ?? throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"no record from {partition} at {next} within {BrokerTimeout.TotalSeconds:0} s"));
                letters.Add(DeadLetter.From(record));
                next = record.Offset.Value + 1;
                progress?.Invoke(letters.Count, total);
            }
        }

        return letters;
    }

    /// <summary>The dead letter at <paramref name="position"/>, or null when the topic has none there.</summary>
    public DeadLetter? Find(DeadLetterPosition position)
    {
        using var consumer = Consumer();
        var partition = new TopicPartition(topic, position.Partition);
        if (!Partitions(consumer).Contains(partition))
        {
            return null;
        }

        var watermarks = consumer.QueryWatermarkOffsets(partition, BrokerTimeout);
        if (position.Offset < watermarks.Low.Value || position.Offset >= watermarks.High.Value)
        {
            return null;
        }

        consumer.Assign(new TopicPartitionOffset(partition, position.Offset));
        var record = consumer.Consume(BrokerTimeout);
        return record is not null && record.Offset.Value == position.Offset ? DeadLetter.From(record) : null;
    }

    /// <summary>
    /// Sends the dead letter (or <paramref name="fixedValue"/> in its place) back to its source
    /// topic with its key and its own headers, marked with where it was replayed from. Returns
    /// where it landed.
    /// </summary>
    public async Task<TopicPartitionOffset> ReplayAsync(DeadLetter letter, byte[]? fixedValue, CancellationToken cancellationToken)
    {
        var headers = new Headers();
        foreach (var (key, value) in letter.OwnHeaders.Where(h => h.Key != DeadLetterHeaders.ReplayedFrom))
        {
            headers.Add(key, value);
        }

        headers.Add(DeadLetterHeaders.ReplayedFrom, System.Text.Encoding.UTF8.GetBytes(letter.Position.ToString()));
        using var producer = new ProducerBuilder<byte[]?, byte[]>(KafkaClientSettings.Apply(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            MessageTimeoutMs = 30_000,
            ClientId = "engine-admin",
        })).SetLogHandler((_, _) => { }).Build();
        var result = await producer.ProduceAsync(letter.SourceTopic, new Message<byte[]?, byte[]>
        {
            Key = letter.Key is { } k ? System.Text.Encoding.UTF8.GetBytes(k) : null,
            Value = fixedValue ?? letter.Value,
            Headers = headers,
        }, cancellationToken);
        return result.TopicPartitionOffset;
    }

    private IConsumer<byte[]?, byte[]?> Consumer()
    {
        Engine.Silo.Kafka.NativeKafka.EnsureLoaded();
        return new ConsumerBuilder<byte[]?, byte[]?>(KafkaClientSettings.Apply(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            // Required by the client, never used: no Subscribe, no commit.
            GroupId = "engine-admin-dlq",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = false,
            ClientId = "engine-admin",
        })).SetLogHandler((_, _) => { }).Build();
    }

    private List<TopicPartition> Partitions(IConsumer<byte[]?, byte[]?> consumer)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var metadata = admin.GetMetadata(topic, BrokerTimeout);
        return [.. metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError)
            .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)))
            .OrderBy(p => p.Partition.Value)];
    }
}

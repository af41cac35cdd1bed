using Confluent.Kafka;
using Engine.Domain.Processing;
using Engine.Silo.Metrics;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Reads one batch: up to <see cref="IngestionOptions.MaxBatchEvents"/> messages, for at most
/// <see cref="IngestionOptions.MaxBatchWait"/> after the first. Messages are parsed in chunks
/// on pool threads while the consume thread goes on reading (the last chunk on the consume
/// thread, which would otherwise wait); the batch is then assembled in the order the messages
/// were consumed, so each partition's events stay in offset order whatever order the chunks
/// finish in. Invalid messages become dead letters.
/// </summary>
internal sealed class EventBatchReader(
    IEventConsumer consumer,
    EventParser parser,
    TrackedPartitions partitions,
    IDeadLetterOutput deadLetters,
    IngestionOptions options,
    EngineMetrics metrics,
    TimeProvider time,
    ILogger logger,
    ApplyRetries? retries = null)
{
    /// <summary>Messages parsed together; a batch smaller than this is parsed in one go once read.</summary>
    public const int ParseChunk = 128;

    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(50);

    private readonly DeadLettersWritten _written = new(deadLetters, logger);

    /// <summary>Reads the next batch; empty when nothing came and <paramref name="idle"/> says to stop waiting.</summary>
    /// <param name="idle">Asked after an empty poll with nothing read yet: true to return at once, so a finished
    /// batch can be settled or a checkpoint run.</param>
    /// <param name="stoppingToken">Ends the read with what it has.</param>
    public IngestionBatch Read(Func<bool> idle, CancellationToken stoppingToken)
    {
        var chunks = new List<Chunk>();
        var chunk = new Chunk();
        var count = 0;
        long? deadline = null;
        while (count < options.MaxBatchEvents && !stoppingToken.IsCancellationRequested)
        {
            var wait = deadline is { } d ? TimeSpan.FromTicks(Math.Max(0, d - time.GetTimestamp()) * TimeSpan.TicksPerSecond / time.TimestampFrequency) : PollTimeout;
            var message = consumer.Consume(wait);
            if (message is null)
            {
                if (deadline is not null || idle())
                {
                    break;
                }

                continue;
            }

            deadline ??= time.GetTimestamp() + time.TicksOf(options.MaxBatchWait);
            var partition = partitions.GetOrTrack(message.TopicPartition);
            partition.RestartOffset ??= message.Offset.Value;
            chunk.Add(message, partition);
            count++;
            if (chunk.IsFull)
            {
                var full = chunk;
                full.Parsing = Task.Run(() => Parse(full), CancellationToken.None);
                chunks.Add(full);
                chunk = new Chunk();
            }

            if (time.GetTimestamp() >= deadline)
            {
                break;
            }
        }

        Parse(chunk);
        chunks.Add(chunk);
        return Assemble(chunks);
    }

    private void Parse(Chunk chunk)
    {
        for (var i = 0; i < chunk.Count; i++)
        {
            var message = chunk.Messages[i];
            var parsed = message.Message.Value is { } value
                ? parser.Parse(message.Message.Key, value)
                : ParsedEvent.Invalid(RejectionReasons.InvalidJson, "message has no value");
            chunk.Parsed[i] = parsed.Event is { } e && IsBackfill(message.Message.Headers)
                ? ParsedEvent.Valid(e with { Backfill = true })
                : parsed;
        }
    }

    // History is marked by the producer in a header, so an event's bytes stay the contract's.
    private static bool IsBackfill(Headers? headers) =>
        headers is not null && headers.TryGetLastBytes(Engine.Contracts.EventHeaders.Mode, out var mode) && Engine.Contracts.EventHeaders.IsBackfill(mode);

    private IngestionBatch Assemble(List<Chunk> chunks)
    {
        _written.Prune(partitions);
        var batch = new IngestionBatch();
        foreach (var chunk in chunks)
        {
            chunk.Parsing?.GetAwaiter().GetResult();
            for (var i = 0; i < chunk.Count; i++)
            {
                var message = chunk.Messages[i];
                var parsed = chunk.Parsed[i];
                var partition = chunk.Partitions[i];
                if (parsed.Event is { } e && retries?.DeadLetterDetail(new(partition.Stream, message.Offset.Value)) is { } failed)
                {
                    // Its rules threw every time it was tried: it goes to the dead letters, the partition on.
                    batch.AddDeadLetter(partition, message.Offset.Value, _written.Once(partition, message, RejectionReasons.ApplyFailed, failed));
                }
                else if (parsed.Event is { } valid)
                {
                    metrics.EventsConsumed.WithLabels(valid.Type).Inc();
                    batch.Add(partition, message, valid);
                }
                else
                {
                    batch.AddDeadLetter(partition, message.Offset.Value, _written.Once(partition, message, parsed.Reason!, parsed.Detail!));
                }
            }
        }

        return batch;
    }

    /// <summary>Consecutive messages as read, with the partition each belongs to and, once parsed, what each holds.</summary>
    private sealed class Chunk
    {
        public ConsumeResult<byte[]?, byte[]?>[] Messages { get; } = new ConsumeResult<byte[]?, byte[]?>[ParseChunk];

        public PartitionProgress[] Partitions { get; } = new PartitionProgress[ParseChunk];

        public ParsedEvent[] Parsed { get; } = new ParsedEvent[ParseChunk];

        public int Count { get; private set; }

        public bool IsFull => Count == ParseChunk;

        public Task? Parsing { get; set; }

        public void Add(ConsumeResult<byte[]?, byte[]?> message, PartitionProgress partition)
        {
            Messages[Count] = message;
            Partitions[Count] = partition;
            Count++;
        }
    }
}

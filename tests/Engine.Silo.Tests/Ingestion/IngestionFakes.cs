using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Domain.Events;
using Engine.Grains;
using Engine.Silo.Ingestion;
using Engine.Silo.Metrics;
using Engine.Silo.Storage.GrainState;
using Microsoft.Extensions.Time.Testing;

namespace Engine.Silo.Tests.Ingestion;

/// <summary>A consumer without a broker: hands out queued messages, records what the ingestion asks of it.</summary>
internal sealed class FakeConsumer(FakeTimeProvider time, List<string>? journal = null) : IEventConsumer
{
    public Queue<ConsumeResult<byte[]?, byte[]?>> Messages { get; } = new();

    /// <summary>How long each message takes to arrive (the fake clock moves by it).</summary>
    public TimeSpan PerMessage { get; set; } = TimeSpan.Zero;

    public List<TimeSpan> Polls { get; } = [];

    public List<TopicPartitionOffset> Seeks { get; } = [];

    public List<List<TopicPartitionOffset>> Commits { get; } = [];

    public List<TopicPartition> Paused { get; } = [];

    public List<TopicPartition> Resumed { get; } = [];

    public List<TopicPartition> Assignment { get; } = [];

    public Dictionary<TopicPartition, WatermarkOffsets> Watermarks { get; } = [];

    public List<string> Journal { get; } = journal ?? [];

    public ConsumeResult<byte[]?, byte[]?>? Consume(TimeSpan timeout)
    {
        Polls.Add(timeout);
        if (Messages.TryDequeue(out var message))
        {
            time.Advance(PerMessage);
            return message;
        }

        time.Advance(timeout);
        return null;
    }

    public void Seek(TopicPartitionOffset position) => Seeks.Add(position);

    public void Commit(IEnumerable<TopicPartitionOffset> offsets)
    {
        var list = offsets.ToList();
        Commits.Add(list);
        Journal.AddRange(list.Select(o => $"commit {o.TopicPartition}@{o.Offset.Value}"));
    }

    /// <summary>
    /// Partitions paused now, as librdkafka keeps the flag: per partition, across a revocation
    /// and a later assignment of the same partition, until resumed.
    /// </summary>
    public HashSet<TopicPartition> PausedNow { get; } = [];

    public void Pause(IEnumerable<TopicPartition> partitions)
    {
        var list = partitions.ToList();
        Paused.AddRange(list);
        PausedNow.UnionWith(list);
    }

    public void Resume(IEnumerable<TopicPartition> partitions)
    {
        var list = partitions.ToList();
        Resumed.AddRange(list);
        PausedNow.ExceptWith(list);
    }

    public WatermarkOffsets GetWatermarkOffsets(TopicPartition partition) =>
        Watermarks.TryGetValue(partition, out var watermarks) ? watermarks : new WatermarkOffsets(Offset.Unset, Offset.Unset);

    /// <summary>Whether a metadata request is answered.</summary>
    public bool Answers { get; set; } = true;

    public bool ClusterAnswers(TimeSpan timeout) => Answers;
}

/// <summary>Customer grains without a cluster: each answers as its handlers say and records its calls.</summary>
internal sealed class FakeCustomers(List<string>? journal = null)
{
    private readonly ConcurrentDictionary<string, FakeCustomer> _customers = new(StringComparer.Ordinal);

    public List<string> Journal { get; } = journal ?? [];

    public FakeCustomer this[string customerId] => _customers.GetOrAdd(customerId, id => new FakeCustomer(id, Journal));

    public ICustomerGrain Get(string customerId) => this[customerId];

    public IEnumerable<FakeCustomer> All => _customers.Values;
}

internal sealed class FakeCustomer(string id, List<string> journal) : ICustomerGrain
{
    public string Id { get; } = id;

    public ConcurrentQueue<EventBatch> Batches { get; } = new();

    public int Flushes;

    public int Checkpoints;

    /// <summary>Answers a batch; by default applies every event.</summary>
    public Func<EventBatch, ApplyReport> Apply { get; set; } = batch => new ApplyReport(batch.Events.Count, 0, [], []);

    /// <summary>Answers FlushAsync and CheckpointAsync; throw to fail the write.</summary>
    public Func<FlushReport> Report { get; set; } = () => new FlushReport(new Dictionary<string, long>(), new Dictionary<string, long>());

    public Task<ApplyReport> ApplyAsync(EventBatch batch)
    {
        Batches.Enqueue(batch);
        return Task.FromResult(Apply(batch));
    }

    public Task<FlushReport> FlushAsync()
    {
        Interlocked.Increment(ref Flushes);
        lock (journal)
        {
            journal.Add($"flush {Id}");
        }

        return Task.FromResult(Report());
    }

    public Task<FlushReport> CheckpointAsync()
    {
        Interlocked.Increment(ref Checkpoints);
        return Task.FromResult(Report());
    }

    public Task AdvanceAsync() => throw new NotSupportedException();

    public Task RecordReferralAsync(string referredCustomerId, bool bought) => throw new NotSupportedException();

    public Task<SmsDispatch?> BeginSmsSendAsync(string messageId) => throw new NotSupportedException();

    public Task CompleteSmsSendAsync(string messageId, SmsSendOutcome outcome) => throw new NotSupportedException();

    public Task RecordSmsDeliveryAsync(string messageId, SmsDeliveryReport report) => throw new NotSupportedException();

    public Task CompleteEffectPublicationAsync(string effectId, bool published) => throw new NotSupportedException();

    public Task ReceiveFromNumberAsync(string numberKey, Engine.Domain.Sms.NumberInstruction instruction) => throw new NotSupportedException();

    public Task SetSmsConsentAsync(bool optedIn, string source) => throw new NotSupportedException();

    public Task<string> SendTestSmsAsync(string trigger) => throw new NotSupportedException();

    public Task<CustomerView> GetViewAsync() => throw new NotSupportedException();
}

/// <summary>Dead letters without a broker: recorded, and failed while <see cref="Fail"/> is set.</summary>
internal sealed class FakeDeadLetters : IDeadLetterOutput
{
    public List<(long Offset, string Reason)> Published { get; } = [];

    public bool Fail { get; set; }

    public Task PublishAsync(ConsumeResult<byte[]?, byte[]?> source, string reason, string detail)
    {
        Published.Add((source.Offset.Value, reason));
        return Fail ? Task.FromException(new KafkaException(Confluent.Kafka.ErrorCode.Local_MsgTimedOut)) : Task.CompletedTask;
    }
}

/// <summary>Messages, events and the shared pieces every ingestion test needs.</summary>
internal static class Ingest
{
    public const string Topic = "engagement.clicks";

    public static readonly TopicPartition P0 = new(Topic, 0);

    public static readonly TopicPartition P1 = new(Topic, 1);

    public static readonly TopicPartition P2 = new(Topic, 2);

    public static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public static string StreamOf(TopicPartition partition) => EventPosition.StreamOf(partition.Topic, partition.Partition.Value);

    public static EngineMetrics NewMetrics() => new(new CustomerStateWrites(), new LoyaltyStatistics(), new SmsStatistics(), new GrainStateStatistics());

    public static string Click(string customerId, string eventId) =>
        $$"""{"type":"click","eventId":"{{eventId}}","customerId":"{{customerId}}","occurredAt":"2026-11-23T10:19:10+01:00","action":"page_view","sessionId":"s-1"}""";

    public static ConsumeResult<byte[]?, byte[]?> Message(TopicPartition partition, long offset, string customerId, string? value = null) => new()
    {
        TopicPartitionOffset = new TopicPartitionOffset(partition, new Offset(offset)),
        Message = new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(customerId),
            Value = Encoding.UTF8.GetBytes(value ?? Click(customerId, $"e-{partition.Partition.Value}-{offset}")),
            Timestamp = new Timestamp(Start.UtcDateTime),
        },
    };

    public static ClickEvent Event(string customerId, string eventId) => new()
    {
        EventId = eventId,
        CustomerId = customerId,
        OccurredAt = Start,
        Action = ClickAction.PageView,
        SessionId = "s-1",
    };

    /// <summary>A batch as the reader builds it: each (partition, offset, customer) in that order.</summary>
    public static IngestionBatch Batch(TrackedPartitions partitions, params (TopicPartition Partition, long Offset, string Customer)[] events)
    {
        var batch = new IngestionBatch();
        foreach (var (partition, offset, customer) in events)
        {
            batch.Add(partitions.GetOrTrack(partition), Message(partition, offset, customer), Event(customer, $"e-{partition.Partition.Value}-{offset}"));
        }

        return batch;
    }

    public static FlushReport Watermarks(TopicPartition partition, long durable, long applied) => new(
        new Dictionary<string, long> { [StreamOf(partition)] = durable },
        new Dictionary<string, long> { [StreamOf(partition)] = applied });
}

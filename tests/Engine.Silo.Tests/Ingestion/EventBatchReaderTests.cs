using Engine.Domain.Processing;
using Engine.Silo.Ingestion;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Engine.Silo.Tests.Ingestion.Ingest;

namespace Engine.Silo.Tests.Ingestion;

[Trait("Category", "Unit")]
public sealed class EventBatchReaderTests
{
    private readonly FakeTimeProvider _time = new(Start);
    private readonly FakeConsumer _consumer;
    private readonly FakeDeadLetters _deadLetters = new();
    private readonly TrackedPartitions _partitions = new();
    private readonly IngestionOptions _options = new() { MaxBatchEvents = 5, MaxBatchWait = TimeSpan.FromMilliseconds(10) };

    public EventBatchReaderTests() => _consumer = new FakeConsumer(_time);

    private EventBatchReader Reader() =>
        new(_consumer, new EventParser(), _partitions, _deadLetters, _options, NewMetrics(), _time, NullLogger.Instance);

    [Fact]
    public void A_batch_holds_at_most_MaxBatchEvents()
    {
        for (var offset = 0; offset < 12; offset++)
        {
            _consumer.Messages.Enqueue(Message(P0, offset, "c-1"));
        }

        var reader = Reader();

        Assert.Equal([5, 5, 2], [reader.Read(() => true, default).Count, reader.Read(() => true, default).Count, reader.Read(() => true, default).Count]);
    }

    [Fact]
    public void A_batch_closes_MaxBatchWait_after_its_first_message()
    {
        _options.MaxBatchEvents = 100;
        _consumer.PerMessage = TimeSpan.FromMilliseconds(4);
        for (var offset = 0; offset < 10; offset++)
        {
            _consumer.Messages.Enqueue(Message(P0, offset, "c-1"));
        }

        var batch = Reader().Read(() => false, default);

        // The first message starts the 10 ms; the fourth arrives 12 ms later and closes the batch.
        Assert.Equal(4, batch.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(50), _consumer.Polls[0]);
        Assert.All(_consumer.Polls.Skip(1), wait => Assert.True(wait <= _options.MaxBatchWait, $"waited {wait}"));
    }

    [Fact]
    public void An_empty_poll_returns_an_empty_batch_only_when_idle_says_so()
    {
        var asked = 0;

        var batch = Reader().Read(() => ++asked == 3, default);

        Assert.True(batch.IsEmpty);
        Assert.Equal(3, asked);
        Assert.Equal(3, _consumer.Polls.Count);
    }

    [Fact]
    public void A_partial_batch_returns_at_the_first_empty_poll()
    {
        _options.MaxBatchEvents = 100;
        _consumer.Messages.Enqueue(Message(P0, 7, "c-1"));

        var batch = Reader().Read(() => false, default);

        Assert.Equal(1, batch.Count);
        Assert.Equal(7, batch.MaxOffsets[P0]);
        Assert.True(_partitions.TryGet(P0, out var progress));
        Assert.Equal(7, progress.RestartOffset);
    }

    [Fact]
    public void Parsing_in_parallel_keeps_each_partition_in_offset_order()
    {
        // Several parse chunks' worth (EventBatchReader.ParseChunk), partitions interleaved in runs as fetches deliver them.
        _options.MaxBatchEvents = 1000;
        var partitions = Enumerable.Range(0, 4).Select(p => new Confluent.Kafka.TopicPartition(Topic, p)).ToArray();
        var next = new long[4];
        var consumed = new List<(string Stream, long Offset, string Customer)>();
        for (var i = 0; consumed.Count < 1000; i++)
        {
            var p = i * 7 % 4;
            for (var run = 0; run < 1 + i % 5 && consumed.Count < 1000; run++)
            {
                var customer = $"c-{(next[p] * 3 + p) % 10}";
                _consumer.Messages.Enqueue(Message(partitions[p], next[p], customer));
                consumed.Add((StreamOf(partitions[p]), next[p]++, customer));
            }
        }

        var batch = Reader().Read(() => true, default);

        Assert.Equal(1000, batch.Count);
        foreach (var (customer, events) in batch.ByCustomer)
        {
            var expected = consumed.Where(c => c.Customer == customer).Select(c => (c.Stream, c.Offset));
            Assert.Equal(expected, events.Events.Select(e => (e.Position.Stream, e.Position.Offset)));
            Assert.All(events.Events, e => Assert.Equal(customer, e.Event.CustomerId));
        }

        Assert.Equal(1000, batch.ByCustomer.Values.Sum(e => e.Events.Count));
    }

    [Fact]
    public void An_invalid_message_becomes_a_dead_letter_and_leaves_the_valid_ones_alone()
    {
        _options.MaxBatchEvents = 100;
        _consumer.Messages.Enqueue(Message(P0, 10, "c-1"));
        _consumer.Messages.Enqueue(Message(P0, 11, "c-1", value: "{not json"));
        _consumer.Messages.Enqueue(Message(P0, 12, "c-1"));
        var noValue = Message(P1, 3, "c-2");
        noValue.Message.Value = null;
        _consumer.Messages.Enqueue(noValue);

        var batch = Reader().Read(() => true, default);

        Assert.Equal(4, batch.Count);
        Assert.Equal([10L, 12L], batch.ByCustomer["c-1"].Events.Select(e => e.Position.Offset));
        Assert.Equal([(11L, RejectionReasons.InvalidJson), (3L, RejectionReasons.InvalidJson)], _deadLetters.Published);
        Assert.Equal([P0, P1], batch.DeadLetters.Select(d => d.Partition));
        Assert.Equal(12, batch.MaxOffsets[P0]);
        Assert.Equal(3, batch.MaxOffsets[P1]);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;

namespace Engine.Benchmarks;

/// <summary>
/// Measures, per event, the time from its Kafka timestamp to the moment the engine's group
/// has committed an offset beyond it: the engine commits only behind durable state, so that
/// is "Kafka timestamp → durable". The producer reports each delivered event (partition,
/// offset, timestamp); a thread reads the group's committed offsets every
/// <see cref="PollInterval"/> (OffsetFetch, without joining the group). Exact to one poll
/// interval, against the engine's own histogram whose buckets are 10, 30, 60 and 300 s.
/// </summary>
internal sealed class DurableLatencyProbe : IDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly IConsumer<Ignore, Ignore> _offsets;
    private readonly List<TopicPartition> _partitions;
    private readonly Dictionary<TopicPartition, ConcurrentQueue<(long Offset, DateTime Timestamp)>> _pending;
    private readonly List<(long CommittedAt, double Seconds)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _failedPolls;
    private long _polls;
    private bool _disposed;

    public DurableLatencyProbe(string bootstrapServers, string groupId, IEnumerable<TopicPartition> partitions)
    {
        _partitions = [.. partitions];
        _pending = _partitions.ToDictionary(p => p, _ => new ConcurrentQueue<(long, DateTime)>());
        _offsets = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
        }).Build();
        _thread = new Thread(Run) { IsBackground = true, Name = "durable-latency-probe" };
    }

    public long FailedPolls => Interlocked.Read(ref _failedPolls);

    /// <summary>Polls that read the committed offsets and settled what they covered.</summary>
    public long Polls => Interlocked.Read(ref _polls);

    public void Start() => _thread.Start();

    /// <summary>An event the broker acknowledged; called from the producer's delivery handler.</summary>
    public void Delivered(TopicPartition partition, long offset, DateTime timestampUtc)
    {
        if (_pending.TryGetValue(partition, out var queue))
        {
            queue.Enqueue((offset, timestampUtc));
        }
    }

    /// <summary>
    /// Writes every sample (Stopwatch timestamp of the commit, seconds) to <paramref name="path"/>
    /// for the benchmark's process: Stopwatch is the system's monotonic clock, the same in both.
    /// </summary>
    public void Save(string path)
    {
        // Two whole polls after the last commit the benchmark saw, so the probe has seen it too
        // (a failing probe counts its failures and gives up after a few seconds).
        var polls = Polls;
        var giveUpAt = Stopwatch.GetTimestamp() + 5 * Stopwatch.Frequency;
        while (_thread.IsAlive && Polls < polls + 2 && Stopwatch.GetTimestamp() < giveUpAt)
        {
            Thread.Sleep(PollInterval / 4);
        }

        Dispose();
        using var writer = new BinaryWriter(File.Create(path));
        lock (_samples)
        {
            foreach (var (committedAt, seconds) in _samples)
            {
                writer.Write(committedAt);
                writer.Write(seconds);
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        if (_thread.IsAlive)
        {
            _thread.Join();
        }

        _offsets.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        // Entries a poll could not settle yet wait here, in offset order per partition.
        var heads = _partitions.ToDictionary(p => p, _ => new Queue<(long Offset, DateTime Timestamp)>());
        while (!_stop.IsCancellationRequested)
        {
            List<TopicPartitionOffset> committed;
            try
            {
                committed = _offsets.Committed(_partitions, TimeSpan.FromSeconds(5));
            }
            catch (KafkaException)
            {
                Interlocked.Increment(ref _failedPolls);
                _stop.Token.WaitHandle.WaitOne(PollInterval);
                continue;
            }

            var seenAt = Stopwatch.GetTimestamp();
            var now = DateTime.UtcNow;
            var settled = new List<(long, double)>();
            foreach (var offset in committed)
            {
                if (offset.Offset.Value < 0)
                {
                    continue;
                }

                var head = heads[offset.TopicPartition];
                var incoming = _pending[offset.TopicPartition];
                while (incoming.TryDequeue(out var entry))
                {
                    head.Enqueue(entry);
                }

                // A committed offset is the next one to read: everything below it is durable.
                while (head.TryPeek(out var entry) && entry.Offset < offset.Offset.Value)
                {
                    head.Dequeue();
                    settled.Add((seenAt, Math.Max(0, (now - entry.Timestamp).TotalSeconds)));
                }
            }

            if (settled.Count > 0)
            {
                lock (_samples)
                {
                    _samples.AddRange(settled);
                }
            }

            Interlocked.Increment(ref _polls);
            _stop.Token.WaitHandle.WaitOne(PollInterval);
        }
    }
}

using System.Diagnostics;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Silo.Demo;
using Engine.Silo.Kafka;
using Engine.Testing.Kafka;

namespace Engine.Benchmarks;

/// <summary>
/// Produces simulated events live, so each event's Kafka timestamp is the moment it was sent:
/// either at a fixed rate (open loop: the schedule does not wait for the engine), or as fast
/// as the engine takes them, staying at most a given number of events ahead of what it has
/// applied (a bounded backlog, so the topics are consumed in the mix they are produced in).
/// Reports every delivered event to the <see cref="DurableLatencyProbe"/>, if any.
/// </summary>
internal sealed class PacedProducer : IDisposable
{
    private readonly IProducer<string, byte[]> _producer;
    private readonly KafkaTopics _topics;
    private readonly IEnumerator<SimulatedEvent> _events;
    private readonly double _rate;
    private readonly DurableLatencyProbe? _probe;
    private readonly Func<long>? _applied;
    private readonly long _maxAhead;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private long _produced;
    private long _failed;
    private long _mostBehind;

    /// <summary>At <paramref name="rate"/> events/s (infinity: as fast as allowed), never more than <paramref name="maxAhead"/> ahead of <paramref name="applied"/> when given.</summary>
    public PacedProducer(string bootstrapServers, KafkaTopics topics, IEnumerator<SimulatedEvent> events, double rate, DurableLatencyProbe? probe,
        IReadOnlyDictionary<string, string> settings, Func<long>? applied = null, long maxAhead = 0)
    {
        _applied = applied;
        _maxAhead = maxAhead;
        _producer = new ProducerBuilder<string, byte[]>(EventCorpus.ProducerConfig(bootstrapServers, settings)).Build();
        _topics = topics;
        _events = events;
        _rate = rate;
        _probe = probe;
        _thread = new Thread(Run) { IsBackground = true, Name = "paced-producer" };
    }

    public long Produced => Interlocked.Read(ref _produced);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The most events the schedule was ever ahead of what this thread had sent (it could not keep up).</summary>
    public long MostBehind => Interlocked.Read(ref _mostBehind);

    public void Start() => _thread.Start();

    /// <summary>Stops producing and waits for what was sent to be acknowledged.</summary>
    public void Stop()
    {
        _stop.Cancel();
        if (_thread.IsAlive)
        {
            _thread.Join();
        }

        _producer.Flush(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        Stop();
        _producer.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        var start = Stopwatch.GetTimestamp();

        while (!_stop.IsCancellationRequested)
        {
            long due;
            if (double.IsPositiveInfinity(_rate))
            {
                due = _produced + 10_000;
            }
            else
            {
                due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * _rate);
                var behind = due - _produced;
                if (behind > _mostBehind)
                {
                    Interlocked.Exchange(ref _mostBehind, behind);
                }
            }

            if (_applied is not null)
            {
                due = Math.Min(due, _applied() + _maxAhead);
            }

            while (_produced < due && !_stop.IsCancellationRequested)
            {
                if (!_events.MoveNext())
                {
                    return;
                }

                var e = _events.Current;
                // Stamped here (CreateTime) so the engine and the probe read the same instant; the
                // delivery report does not carry it back.
                var stamp = DateTime.UtcNow;
                var message = new Message<string, byte[]> { Key = e.CustomerId, Value = e.Json, Timestamp = new Timestamp(stamp, TimestampType.CreateTime) };
                void OnDelivered(DeliveryReport<string, byte[]> report)
                {
                    if (report.Error.IsError)
                    {
                        Interlocked.Increment(ref _failed);
                        return;
                    }

                    _probe?.Delivered(report.TopicPartition, report.Offset.Value, stamp);
                }

                _producer.ProduceWaitingForRoom(_topics.TopicOf(e.Type), message, TimeSpan.FromMilliseconds(10), OnDelivered);

                Interlocked.Increment(ref _produced);
            }

            Thread.Sleep(1);
        }
    }
}

using System.Collections.Concurrent;

namespace Engine.Grains;

/// <summary>
/// SMS figures of this silo's customer grains, exported as metrics by the silo: messages by
/// trigger and outcome, segments, long messages and send latency. Labels are fixed sets
/// (trigger keys, outcomes, suppression reasons).
/// </summary>
public sealed class SmsStatistics
{
    private long _segments;
    private long _longMessages;

    public ConcurrentDictionary<(string Trigger, string Outcome), long> Outcomes { get; } = new();

    /// <summary>Seconds from decision to hand-off, waiting to be observed by the metrics histogram.</summary>
    public ConcurrentQueue<double> SendLatencies { get; } = new();

    public long Segments => Interlocked.Read(ref _segments);

    public long LongMessages => Interlocked.Read(ref _longMessages);

    /// <summary>Messages suppressed as stale, by trigger and <see cref="Engine.Domain.Effects.StaleReasons"/>.</summary>
    public ConcurrentDictionary<(string Trigger, string Reason), long> StaleReasons { get; } = new();

    public void CountStale(string trigger, string reason) => StaleReasons.AddOrUpdate((trigger, reason), 1, (_, n) => n + 1);

    public void Count(string trigger, string outcome) => Outcomes.AddOrUpdate((trigger, outcome), 1, (_, n) => n + 1);

    public void RecordSent(int segments, double latencySeconds)
    {
        Interlocked.Add(ref _segments, segments);
        if (segments > 2)
        {
            Interlocked.Increment(ref _longMessages);
        }

        if (SendLatencies.Count < 100_000)
        {
            SendLatencies.Enqueue(latencySeconds);
        }
    }
}

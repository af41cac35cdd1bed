using Confluent.Kafka;
using System.Globalization;
using Engine.Silo.Metrics;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Every two seconds, per partition: the messages the broker holds beyond what this silo has
/// completed (or, before any, where it began reading), as <c>engine_consumer_lag_messages</c>
/// and in <see cref="IngestionStatus.Partitions"/>.
/// </summary>
internal sealed class PartitionLag(IEventConsumer consumer, TrackedPartitions partitions, EngineMetrics metrics, TimeProvider time, IngestionStatus status)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly Dictionary<TopicPartition, long> _lags = [];
    private long _nextAt;

    /// <summary>Drops the series of partitions this silo no longer consumes, so a rebalance leaves no frozen lag behind.</summary>
    public void Forget(IEnumerable<TopicPartition> gone)
    {
        foreach (var partition in gone)
        {
            metrics.ConsumerLag.RemoveLabelled(partition.Topic, partition.Partition.Value.ToString(CultureInfo.InvariantCulture));
            _lags.Remove(partition);
        }

        Publish();
    }

    public void MaybeUpdate()
    {
        var now = time.GetTimestamp();
        if (now < _nextAt)
        {
            return;
        }

        _nextAt = now + time.TicksOf(Interval);
        foreach (var partition in partitions.Values)
        {
            var watermarks = consumer.GetWatermarkOffsets(partition.Partition);
            var position = partition.CompletedOffset + 1;
            if (watermarks.High.Value >= 0)
            {
                var lag = Math.Max(0, watermarks.High.Value - Math.Max(position, partition.RestartOffset ?? 0));
                _lags[partition.Partition] = lag;
                metrics.ConsumerLag
                    .WithLabels(partition.Partition.Topic, partition.Partition.Partition.Value.ToString(CultureInfo.InvariantCulture))
                    .Set(lag);
            }
        }

        Publish();
    }

    private void Publish() =>
        status.MarkPartitions([.. _lags
            .Select(p => new Engine.Contracts.PartitionStatus(p.Key.Topic, p.Key.Partition.Value, p.Value))
            .OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition)]);
}

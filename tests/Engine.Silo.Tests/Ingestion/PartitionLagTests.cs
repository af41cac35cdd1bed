using Confluent.Kafka;
using Engine.Silo.Ingestion;
using Microsoft.Extensions.Time.Testing;
using static Engine.Silo.Tests.Ingestion.Ingest;

namespace Engine.Silo.Tests.Ingestion;

[Trait("Category", "Unit")]
public sealed class PartitionLagTests
{
    [Fact]
    public void Lag_counts_what_the_broker_holds_beyond_what_was_completed_or_where_reading_began()
    {
        var time = new FakeTimeProvider(Start);
        var consumer = new FakeConsumer(time);
        var partitions = new TrackedPartitions();
        var metrics = NewMetrics();
        var p0 = partitions.Track(P0);
        (p0.RestartOffset, p0.CompletedOffset) = (100, 120);
        partitions.Track(P1).RestartOffset = 300;
        consumer.Watermarks[P0] = new WatermarkOffsets(new Offset(0), new Offset(150));
        consumer.Watermarks[P1] = new WatermarkOffsets(new Offset(0), new Offset(310));
        var lag = new PartitionLag(consumer, partitions, metrics, time, new IngestionStatus());

        lag.MaybeUpdate();
        consumer.Watermarks[P0] = new WatermarkOffsets(new Offset(0), new Offset(500));
        lag.MaybeUpdate();

        Assert.Equal(29, metrics.ConsumerLag.WithLabels(Topic, "0").Value);
        Assert.Equal(10, metrics.ConsumerLag.WithLabels(Topic, "1").Value);
        time.Advance(TimeSpan.FromSeconds(2));
        lag.MaybeUpdate();
        Assert.Equal(379, metrics.ConsumerLag.WithLabels(Topic, "0").Value);
    }

    [Fact]
    public void A_partition_that_moved_to_another_silo_leaves_no_lag_series_behind()
    {
        var time = new FakeTimeProvider(Start);
        var consumer = new FakeConsumer(time);
        var partitions = new TrackedPartitions();
        var metrics = NewMetrics();
        partitions.Track(P0).RestartOffset = 100;
        partitions.Track(P1).RestartOffset = 300;
        consumer.Watermarks[P0] = new WatermarkOffsets(new Offset(0), new Offset(150));
        consumer.Watermarks[P1] = new WatermarkOffsets(new Offset(0), new Offset(310));
        var status = new IngestionStatus();
        var lag = new PartitionLag(consumer, partitions, metrics, time, status);
        lag.MaybeUpdate();
        Assert.Equal([(0, 50L), (1, 10L)], status.Partitions.Select(p => (p.Partition, p.Lag)));

        lag.Forget([P1]);

        var served = metrics.ConsumerLag.GetAllLabelValues().Select(labels => labels[1]).ToList();
        Assert.Equal(["0"], served);
        Assert.Equal([0], status.Partitions.Select(p => p.Partition));
    }
}

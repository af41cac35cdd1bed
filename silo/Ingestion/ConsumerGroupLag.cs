using System.Globalization;
using Confluent.Kafka;
using Engine.Silo.Kafka;
using Engine.Silo.Metrics;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Asks the broker, every <see cref="IngestionOptions.GroupLagInterval"/>, for the consumer
/// group's committed offset and the end of every input partition, and exports both. Unlike
/// <c>engine_consumer_lag_messages</c>, which the ingestion loop computes as it reads, this goes
/// on when the loop has stopped or hangs, so a stalled consumer shows as lag that grows while
/// the committed offset stands still (alert EngineConsumerStalled). It looks with a consumer of
/// its own that never joins the group, so it commits nothing and triggers no rebalance.
/// </summary>
public sealed partial class ConsumerGroupLag(
    KafkaEndpoint endpoint,
    EngineMetrics metrics,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<ConsumerGroupLag> logger) : BackgroundService
{
    private static readonly TimeSpan BrokerTimeout = TimeSpan.FromSeconds(10);

    private string? _lastFailure;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.GroupLagInterval;
        if (interval <= TimeSpan.Zero || !options.Value.Enabled)
        {
            return;
        }

        // Blocking librdkafka calls: kept off the thread pool the grains run on.
        await Task.Factory.StartNew(() => Watch(interval, stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private async Task Watch(TimeSpan interval, CancellationToken stoppingToken)
    {
        // Same group id (committed offsets are per group), but no Subscribe: never a member.
        var config = endpoint.ConsumerConfig();
        config.EnableAutoCommit = false;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, _) => { }).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                Measure(consumer, admin);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>One look at every input partition; a failure is logged (once per kind) and leaves the last values.</summary>
    private void Measure(IConsumer<byte[]?, byte[]?> consumer, IAdminClient admin)
    {
        try
        {
            var partitions = new List<TopicPartition>();
            foreach (var topic in endpoint.Topics.Inbound)
            {
                var metadata = admin.GetMetadata(topic, BrokerTimeout);
                partitions.AddRange(metadata.Topics.Where(t => t.Error.Code == Confluent.Kafka.ErrorCode.NoError)
                    .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId))));
            }

            if (partitions.Count == 0)
            {
                return;
            }

            var committed = consumer.Committed(partitions, BrokerTimeout).ToDictionary(c => c.TopicPartition, c => c.Offset.Value);
            foreach (var partition in partitions)
            {
                var ends = consumer.QueryWatermarkOffsets(partition, BrokerTimeout);
                // Nothing committed yet: the group starts at the beginning (auto.offset.reset earliest).
                var position = committed.TryGetValue(partition, out var offset) && offset >= 0 ? offset : ends.Low.Value;
                var labels = new[] { partition.Topic, partition.Partition.Value.ToString(CultureInfo.InvariantCulture) };
                metrics.GroupLag.WithLabels(labels).Set(Math.Max(0, ends.High.Value - position));
                metrics.GroupCommittedOffset.WithLabels(labels).Set(position);
            }

            _lastFailure = null;
        }
        catch (KafkaException ex)
        {
            var failure = ex.Error.Code.ToString();
            if (failure != _lastFailure)
            {
                _lastFailure = failure;
                LogLookupFailed(logger, failure);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the consumer group's offsets from the broker failed ({Error}); engine_consumer_group_lag_messages keeps its last values")]
    private static partial void LogLookupFailed(ILogger logger, string error);
}

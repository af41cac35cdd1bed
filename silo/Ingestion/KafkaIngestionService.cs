using Confluent.Kafka;
using Engine.Contracts;
using Engine.Silo.Kafka;
using Engine.Silo.Metrics;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Reads the event topics and applies each customer's events in its grain, effectively
/// once. One batch is in the grains while the next is read; a customer's events go in one
/// call per batch, in offset order; customers run in parallel. Offsets are committed only
/// by checkpoints, behind state the grains report as durable (docs/architecture.md). This
/// loop wires the parts: <see cref="EventBatchReader"/>, <see cref="BatchDispatcher"/>,
/// <see cref="BatchSettlement"/>, <see cref="Checkpointer"/>, <see cref="PartitionAssignments"/>
/// and <see cref="PartitionLag"/>.
/// </summary>
public sealed class KafkaIngestionService(
    KafkaEndpoint endpoint,
    IGrainFactory grains,
    DeadLetterPublisher deadLetters,
    IOptions<IngestionOptions> options,
    IOptions<Engine.Grains.WriteBehindOptions> writeBehind,
    IOptions<Engine.Grains.PhoneNumberOptions> numbers,
    EngineMetrics metrics,
    IngestionStatus status,
    TimeProvider time,
    ILocalSiloDetails silo,
    ILogger<KafkaIngestionService> logger) : BackgroundService
{
    private readonly IngestionOptions _options = options.Value;

    // Cancelled when the final checkpoint's time is up (FinalCheckpointTimeout after the stop
    // began, or the host's stop budget): it then asks no more customers and commits what the
    // others made durable.
    private readonly CancellationTokenSource _timeUp = new();

    /// <summary>
    /// Returns only once the consumer loop has run its final checkpoint and closed the
    /// consumer, however long the host allows: the silo must not deactivate grains under that
    /// checkpoint, nor the broker go while the consumer is open. The loop bounds itself.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _timeUp.CancelAfter(_options.FinalCheckpointTimeout);
        await using (cancellationToken.Register(_timeUp.Cancel))
        {
            await base.StopAsync(CancellationToken.None);
        }
    }

    public override void Dispose()
    {
        _timeUp.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return Task.CompletedTask;
        }

        // librdkafka's Consume blocks; give the loop a thread of its own so host start-up is not held.
        return Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(CancellationToken stoppingToken)
    {
        // Customers this consumer activates live here, with their partitions (Cluster/ConsumerPlacement).
        Engine.Silo.Cluster.ConsumerPlacement.PlaceCalledGrainsOn(silo.SiloAddress);
        PartitionAssignments? assignments = null;
        PartitionLag? lag = null;
        KafkaReachability? reachability = null;
        using var kafka = new ConsumerBuilder<byte[]?, byte[]?>(endpoint.ConsumerConfig())
            .SetPartitionsAssignedHandler((_, assigned) => assignments!.Assigned(assigned))
            .SetPartitionsRevokedHandler((_, revoked) =>
            {
                assignments!.Revoked([.. revoked.Select(r => r.TopicPartition)]);
                lag!.Forget(revoked.Select(r => r.TopicPartition));
            })
            .SetPartitionsLostHandler((_, lost) =>
            {
                assignments!.Lost([.. lost.Select(l => l.TopicPartition)]);
                lag!.Forget(lost.Select(l => l.TopicPartition));
            })
            .SetErrorHandler((_, error) =>
            {
                logger.LogKafkaError(error.Code, error.Reason);
                reachability?.Error(error);
            })
            .Build();

        var consumer = new KafkaEventConsumer(kafka);
        reachability = new KafkaReachability(consumer, status, time, logger);
        Func<string, ICustomerGrain> customers = id => grains.GetGrain<ICustomerGrain>(id);
        var partitions = new TrackedPartitions();
        var rewinds = new PartitionRewinds(consumer, metrics, logger);
        var parser = new EventParser(_options.MaxEventBytes, _options.Bounds, numbers.Value.DefaultRegion);
        var retries = new ApplyRetries(consumer, _options, metrics, time, logger);
        var outage = new StorageOutage(consumer, _options, metrics, status, logger, held: retries.IsHeld);
        var reader = new EventBatchReader(consumer, parser, partitions, deadLetters, _options, metrics, time, logger, retries);
        var dispatcher = new BatchDispatcher(customers, partitions, _options);
        var settlement = new BatchSettlement(partitions, rewinds, deadLetters, metrics, time, logger, retries);
        var commit = new CheckpointCommit(consumer, partitions, rewinds, outage, metrics, time, logger);
        var checkpointer = new Checkpointer(partitions, customers, commit, _options, writeBehind.Value, metrics, time);
        lag = new PartitionLag(consumer, partitions, metrics, time, status);
        assignments = new PartitionAssignments(partitions, settlement, checkpointer, outage, logger);

        kafka.Subscribe(endpoint.Topics.Inbound);
        status.MarkRunning(true);
        logger.LogStarted(string.Join(", ", endpoint.Topics.Inbound));

        // An idle poll returns early when a finished batch can be settled or a checkpoint run.
        bool Idle() => settlement.InFlightCompleted || retries.ResumeIsDue || (!settlement.HasInFlight && (checkpointer.IsDue || checkpointer.HasAnswers));

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var next = reader.Read(Idle, stoppingToken);
                outage.SettleAssigned();
                settlement.FinishInFlight(next);
                if (!next.IsEmpty)
                {
                    reachability.Consumed();
                    settlement.Dispatched(next, dispatcher.Dispatch(next));
                }

                checkpointer.MaybeRun();
                retries.Prune(partitions);
                retries.ResumeDue(outage.IsPaused);
                reachability.MaybeProbe();
                lag.MaybeUpdate();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            try
            {
                settlement.FinishInFlight(null);
                checkpointer.WaitForRunning();
                var final = checkpointer.RunNow(partitions.All, _timeUp.Token);
                var behind = checkpointer.PartitionsBehind(partitions.All);
                if (behind == 0)
                {
                    logger.LogFinalCheckpoint(final?.Reports.Count ?? 0);
                }
                else
                {
                    logger.LogFinalCheckpointIncomplete(behind, final?.Unasked ?? 0, _options.FinalCheckpointTimeout.TotalSeconds, final?.Failures ?? 0);
                }
            }
            catch (Exception ex)
            {
                logger.LogShutdownCheckpointFailed(ex.GetType().Name);
            }

            status.MarkRunning(false);
            kafka.Close();
        }
    }
}

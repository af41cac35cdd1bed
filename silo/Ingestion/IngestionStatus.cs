namespace Engine.Silo.Ingestion;

/// <summary>What the readiness check reports about ingestion; written by the ingestion loop.</summary>
public sealed class IngestionStatus
{
    private volatile bool _running;
    private volatile bool _storageAvailable = true;
    private volatile string? _problem;
    private volatile bool _kafkaAvailable = true;
    private volatile string? _kafkaProblem;

    public bool IsRunning => _running;

    /// <summary>False while checkpoints fail (state cannot be stored) and ingestion is paused.</summary>
    public bool StorageAvailable => _storageAvailable;

    public string? Problem => _problem;

    /// <summary>False while the Kafka cluster cannot be reached (all brokers down, or a probe timed out).</summary>
    public bool KafkaAvailable => _kafkaAvailable;

    public string? KafkaProblem => _kafkaProblem;

    public void MarkRunning(bool running) => _running = running;

    public void MarkKafkaAvailable()
    {
        if (!_kafkaAvailable)
        {
            _kafkaAvailable = true;
            _kafkaProblem = null;
        }
    }

    public void MarkKafkaUnavailable(string problem) { _kafkaAvailable = false; _kafkaProblem = problem; }

    private volatile IReadOnlyList<Engine.Contracts.PartitionStatus> _partitions = [];

    /// <summary>The partitions this silo consumes with their lag, as last measured (for <c>engine-admin status</c>).</summary>
    public IReadOnlyList<Engine.Contracts.PartitionStatus> Partitions => _partitions;

    public void MarkPartitions(IReadOnlyList<Engine.Contracts.PartitionStatus> partitions) => _partitions = partitions;

    public void MarkStorageAvailable() { _storageAvailable = true; _problem = null; }

    public void MarkStorageUnavailable(string problem) { _storageAvailable = false; _problem = problem; }
}

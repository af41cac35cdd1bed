namespace Engine.Silo.Ingestion;

/// <summary>What the readiness check reports about ingestion; written by the ingestion loop.</summary>
public sealed class IngestionStatus
{
    private volatile bool _running;
    private volatile bool _storageAvailable = true;
    private volatile string? _problem;

    public bool IsRunning => _running;

    /// <summary>False while checkpoints fail (state cannot be stored) and ingestion is paused.</summary>
    public bool StorageAvailable => _storageAvailable;

    public string? Problem => _problem;

    public void MarkRunning(bool running) => _running = running;

    public void MarkStorageAvailable() { _storageAvailable = true; _problem = null; }

    public void MarkStorageUnavailable(string problem) { _storageAvailable = false; _problem = problem; }
}

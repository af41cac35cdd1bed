namespace Engine.Grains;

/// <summary>
/// Counts customer state writes in this silo, so operators and the benchmark can see the
/// write-behind working (writes per event). Exported as a metric by the silo.
/// </summary>
public sealed class CustomerStateWrites
{
    private long _succeeded;
    private long _failed;

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public long Failed => Interlocked.Read(ref _failed);

    public void RecordSuccess() => Interlocked.Increment(ref _succeeded);

    public void RecordFailure() => Interlocked.Increment(ref _failed);
}

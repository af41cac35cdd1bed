namespace Engine.Silo.Storage.GrainState;

/// <summary>Transactions of grain state writes and the rows they held: rows per transaction is the group commit at work.</summary>
public sealed class GrainStateStatistics
{
    private long _transactions;
    private long _rows;
    private long _failedTransactions;

    public long Transactions => Interlocked.Read(ref _transactions);

    public long Rows => Interlocked.Read(ref _rows);

    public long FailedTransactions => Interlocked.Read(ref _failedTransactions);

    public void RecordBatch(int rows, bool failed)
    {
        if (failed)
        {
            Interlocked.Increment(ref _failedTransactions);
            return;
        }

        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _rows, rows);
    }
}

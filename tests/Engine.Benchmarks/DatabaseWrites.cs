namespace Engine.Benchmarks;

/// <summary>One statement's share of the server's time (pg_stat_statements, milliseconds).</summary>
internal sealed record StatementCost(string Query, long Calls, double ExecMilliseconds, double PlanMilliseconds, long Rows, long WalBytes);

/// <summary>Successful writes so far, counted in the tables themselves, the WAL position in bytes and the WAL flushes to disk.</summary>
internal sealed record DatabaseWrites(IReadOnlyDictionary<string, long> StateWritesByGrainType, long ReminderWrites, long WalBytes, long WalSyncs)
{
    public long StateWrites => StateWritesByGrainType.Values.Sum();

    public long Total => StateWrites + ReminderWrites;

    /// <summary>State writes of grain types whose name contains <paramref name="fragment"/>.</summary>
    public long StateWritesOf(string fragment) =>
        StateWritesByGrainType.Where(pair => pair.Key.Contains(fragment, StringComparison.OrdinalIgnoreCase)).Sum(pair => pair.Value);
}

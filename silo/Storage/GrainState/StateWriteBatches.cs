using System.Threading.Channels;
using Npgsql;

namespace Engine.Silo.Storage.GrainState;

/// <summary>
/// Group commit in the engine: grain state writes that arrive while earlier ones are being
/// committed wait in a queue, and each of a few writers takes whatever is queued (up to
/// <see cref="GrainStateOptions.MaxBatchRows"/>) into one transaction. A durable commit costs
/// the database one WAL flush whatever it holds, so under load hundreds of customer writes
/// share one flush instead of each paying for its own; when idle a write goes alone, at once.
/// Each row keeps its own optimistic version check: a conflict on one row fails only that
/// grain's write, and a failed transaction fails every write in it (none is half-applied).
/// </summary>
internal sealed class StateWriteBatches : IAsyncDisposable, IDisposable
{
    private const string InsertSql =
        "INSERT INTO engine_grain_state (service_id, grain_type, grain_key, state_name, version, payload) VALUES ($1, $2, $3, $4, 1, $5) "
        + "ON CONFLICT DO NOTHING RETURNING version";

    private const string UpdateSql =
        "UPDATE engine_grain_state SET payload = $5, version = version + 1, modified_on = now() "
        + "WHERE service_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4 AND version = $6 RETURNING version";

    // A customer's projection row rides its state's statement: written only if the state is
    // (the version check passed), with the version the state got, in the same commit.
    private static readonly string InsertWithSummarySql =
        $"WITH written AS ({InsertSql}), summary AS ({Projection.SummaryRows.Upsert(6, "written.version", "FROM written", replaceSameVersion: false)}) SELECT version FROM written";

    private static readonly string UpdateWithSummarySql =
        $"WITH written AS ({UpdateSql}), summary AS ({Projection.SummaryRows.Upsert(7, "written.version", "FROM written", replaceSameVersion: false)}) SELECT version FROM written";

    private readonly NpgsqlDataSource _dataSource;
    private readonly int _maxBatchRows;
    private readonly Channel<StateWrite> _queue = Channel.CreateUnbounded<StateWrite>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Task[] _writers;
    private readonly GrainStateStatistics _statistics;

    public StateWriteBatches(NpgsqlDataSource dataSource, GrainStateOptions options, GrainStateStatistics statistics)
    {
        _dataSource = dataSource;
        _maxBatchRows = options.MaxBatchRows;
        _statistics = statistics;
        _writers = [.. Enumerable.Range(0, options.Writers).Select(_ => Task.Run(WriteLoopAsync))];
    }

    /// <summary>Queues a write; completes once its batch is committed (or failed).</summary>
    public Task<int?> WriteAsync(StateRowKey key, byte[]? payload, int? expectedVersion, Domain.Projection.CustomerSummary? summary = null)
    {
        var write = new StateWrite(key, payload, expectedVersion, summary);
        if (!_queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(StateWriteBatches), "Grain state storage is shut down.");
        }

        return write.Done;
    }

    public async ValueTask DisposeAsync()
    {
        // Writes already queued still go out (deactivations at shutdown queue theirs last).
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    // The host's container may dispose synchronously.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<StateWrite>(_maxBatchRows);
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatchRows && reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch);
                batch.Clear();
            }
        }
    }

    private async Task CommitAsync(List<StateWrite> batch)
    {
        batch.Sort((a, b) => a.Key.CompareTo(b.Key));
        var versions = new int?[batch.Count];
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var commands = new NpgsqlBatch(connection, transaction))
            {
                foreach (var write in batch)
                {
                    commands.BatchCommands.Add(Command(write));
                }

                await using var rows = await commands.ExecuteReaderAsync();
                var i = 0;
                do
                {
                    versions[i++] = await rows.ReadAsync() ? rows.GetInt32(0) : null;
                }
                while (await rows.NextResultAsync());
            }

            await transaction.CommitAsync();
        }
        catch (Exception ex)
        {
            _statistics.RecordBatch(batch.Count, failed: true);
            foreach (var write in batch)
            {
                write.Fail(ex);
            }

            return;
        }

        _statistics.RecordBatch(batch.Count, failed: false);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Complete(versions[i]);
        }
    }

    private static NpgsqlBatchCommand Command(StateWrite write)
    {
        var command = new NpgsqlBatchCommand((write.ExpectedVersion is null, write.Summary is null) switch
        {
            (true, true) => InsertSql,
            (false, true) => UpdateSql,
            (true, false) => InsertWithSummarySql,
            (false, false) => UpdateWithSummarySql,
        });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.Key.ServiceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.Key.GrainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.Key.GrainKey });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.Key.StateName });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)write.Payload ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        if (write.ExpectedVersion is { } version)
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
        }

        if (write.Summary is { } summary)
        {
            Projection.SummaryRows.AddParameters(command.Parameters, summary);
        }

        return command;
    }
}

using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Projection;
using Engine.Grains.Projection;
using Npgsql;
using Orleans.Storage;

namespace Engine.Silo.Storage.Projection;

/// <summary>
/// The projection in PostgreSQL (<c>engine_customer_summary</c>, deploy/sql/0006): each fleet
/// question is one query over the table and its indexes; the rebuild recomputes every row
/// from <c>engine_grain_state</c>, a page of customers per transaction.
/// </summary>
internal sealed class PostgresCustomerProjection(
    NpgsqlDataSource dataSource,
    IGrainStorageSerializer serializer,
    CustomerSummarySource summaries,
    string serviceId) : ICustomerProjection
{
    /// <summary>Customers recomputed per transaction while rebuilding.</summary>
    private const int RebuildPage = 500;

    private const string Table = "engine_customer_summary";

    private const string CustomerStates =
        $"FROM engine_grain_state WHERE service_id = $1 AND grain_type = '{CustomerStateRows.GrainType}' AND state_name = '{CustomerStateRows.StateName}' AND payload IS NOT NULL";

    private static readonly string RebuildUpsert = SummaryRows.Upsert(3, "$2", "", replaceSameVersion: true);

    public async Task<IReadOnlyList<GroupCount>> CountByTierAsync(CancellationToken cancellationToken = default)
    {
        var counts = new List<GroupCount>();
        await using var command = Command($"SELECT tier, count(*) FROM {Table} WHERE service_id = $1 GROUP BY tier ORDER BY count(*) DESC, tier");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new GroupCount(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1)));
        }

        return counts;
    }

    public async Task<IReadOnlyDictionary<string, long>> CountBySegmentAsync(IReadOnlyList<string> segments, CancellationToken cancellationToken = default)
    {
        var names = segments.Distinct(StringComparer.Ordinal).ToList();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        if (names.Count == 0)
        {
            return counts;
        }

        // Customers share a few hundred membership lists: counted per list off the
        // (service_id, segments) index, then per segment. Unnesting every customer's list
        // took 1.3 s at a million customers (docs/benchmarks.md).
        await using var command = Command(
            $"SELECT s, sum(n)::bigint FROM (SELECT segments, count(*) AS n FROM {Table} WHERE service_id = $1 GROUP BY segments) AS lists "
            + "CROSS JOIN LATERAL unnest(lists.segments) AS s WHERE s = ANY($2) GROUP BY s");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. names] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        foreach (var name in names)
        {
            counts.TryAdd(name, 0);
        }

        return counts;
    }

    public Task<IReadOnlyList<CustomerSummary>> TopAsync(RankBy by, int limit, CancellationToken cancellationToken = default)
    {
        // Each order is the leading part of an index (deploy/sql/0006), so the top rows are read off it.
        var order = by switch
        {
            RankBy.Clv => "clv IS NOT NULL ORDER BY clv DESC NULLS LAST",
            RankBy.Spend => "true ORDER BY lifetime_spend DESC",
            _ => "true ORDER BY points_balance DESC",
        };
        var command = Command($"SELECT {SummaryRows.SelectColumns} FROM {Table} WHERE service_id = $1 AND {order}, customer_id LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return ReadRowsAsync(command, cancellationToken);
    }

    public async Task<long> CountAsync(AudienceFilter filter, CancellationToken cancellationToken = default)
    {
        // Only the conditions given, so the planner sees plain predicates its indexes answer.
        var conditions = new List<string> { "service_id = $1" };
        var values = new List<string>();
        foreach (var (value, sql) in new[] { (filter.Tier, "tier = "), (filter.Segment, "segments @> ARRAY["), (filter.Consent, "consent = ") })
        {
            if (value is not null)
            {
                values.Add(value);
                var parameter = $"${values.Count + 1}::text";
                conditions.Add(sql.EndsWith('[') ? $"{sql}{parameter}]" : sql + parameter);
            }
        }

        await using var command = Command($"SELECT count(*) FROM {Table} WHERE {string.Join(" AND ", conditions)}");
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        }

        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<CustomerSummary?> FindAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var command = Command($"SELECT {SummaryRows.SelectColumns} FROM {Table} WHERE service_id = $1 AND customer_id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        return (await ReadRowsAsync(command, cancellationToken)).SingleOrDefault();
    }

    public Task<IReadOnlyList<CustomerSummary>> FindByNumberKeyAsync(string numberKey, CancellationToken cancellationToken = default)
    {
        var command = Command($"SELECT {SummaryRows.SelectColumns} FROM {Table} WHERE service_id = $1 AND number_key = $2 ORDER BY customer_id");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = numberKey });
        return ReadRowsAsync(command, cancellationToken);
    }

    public Task<IReadOnlyList<CustomerSummary>> BuyersAsync(string afterCustomerId, int limit, CancellationToken cancellationToken = default)
    {
        var command = Command($"SELECT {SummaryRows.SelectColumns} FROM {Table} WHERE service_id = $1 AND customer_id > $2 AND first_purchase_at IS NOT NULL ORDER BY customer_id LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = afterCustomerId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return ReadRowsAsync(command, cancellationToken);
    }

    public async Task<RebuildResult> RebuildAsync(Action<long, long> progress, CancellationToken cancellationToken)
    {
        long total;
        await using (var count = Command($"SELECT count(*) {CustomerStates}"))
        {
            total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        var done = 0L;
        var after = "";
        while (true)
        {
            var page = await ReadStatesAsync(after, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            await WriteSummariesAsync(page, cancellationToken);
            done += page.Count;
            after = page[^1].GrainKey;
            progress(done, Math.Max(total, done));
        }

        // Rows of customers without a state (cleared, or deleted by hand): checked now, so a customer stored meanwhile keeps its row.
        await using var delete = Command(
            $"DELETE FROM {Table} AS s WHERE s.service_id = $1 AND NOT EXISTS (SELECT 1 FROM engine_grain_state AS g WHERE g.service_id = s.service_id "
            + $"AND g.grain_type = '{CustomerStateRows.GrainType}' AND g.state_name = '{CustomerStateRows.StateName}' AND g.grain_key = s.customer_id AND g.payload IS NOT NULL)");
        var removed = await delete.ExecuteNonQueryAsync(cancellationToken);
        return new RebuildResult(Math.Max(total, done), done, removed);
    }

    private async Task<List<(string GrainKey, int Version, CustomerState State)>> ReadStatesAsync(string after, CancellationToken cancellationToken)
    {
        var page = new List<(string, int, CustomerState)>(RebuildPage);
        await using var command = Command($"SELECT grain_key, version, payload {CustomerStates} AND grain_key > $2 ORDER BY grain_key LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = RebuildPage });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = reader.GetString(0);
            var state = serializer.Deserialize<CustomerState>(new BinaryData(reader.GetFieldValue<byte[]>(2)))!;
            if (state.CustomerId.Length == 0)
            {
                state.CustomerId = key;
            }

            page.Add((key, reader.GetInt32(1), state));
        }

        return page;
    }

    private async Task WriteSummariesAsync(List<(string GrainKey, int Version, CustomerState State)> page, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        // Ordinal key order, as state batches lock rows (StateRowKey), so the two never wait on each other in opposite orders.
        foreach (var (_, version, state) in page.OrderBy(p => p.GrainKey, StringComparer.Ordinal))
        {
            // Same version recomputed as of now; a newer one written meanwhile is left alone.
            var command = new NpgsqlBatchCommand(RebuildUpsert);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
            SummaryRows.AddParameters(command.Parameters, summaries.Of(state, version));
            batch.BatchCommands.Add(command);
        }

        // One implicit transaction for the batch: a page is written whole or not at all.
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private NpgsqlCommand Command(string sql)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        return command;
    }

    private static async Task<IReadOnlyList<CustomerSummary>> ReadRowsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command)
        {
            var rows = new List<CustomerSummary>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(SummaryRows.Read(reader));
            }

            return rows;
        }
    }
}

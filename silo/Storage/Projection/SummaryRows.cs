using Engine.Domain.Projection;
using Npgsql;
using NpgsqlTypes;

namespace Engine.Silo.Storage.Projection;

/// <summary>
/// The SQL that writes and reads <c>engine_customer_summary</c> rows (deploy/sql/0006), shared
/// by the state writes (a summary rides its state's statement) and the rebuild.
/// </summary>
internal static class SummaryRows
{
    /// <summary>The row's columns after service, customer and version, in parameter order.</summary>
    private static readonly string[] Columns =
    [
        "as_of", "tier", "points_balance", "lifetime_spend", "rolling_spend", "orders", "first_purchase_at", "last_purchase_at",
        "last_activity_at", "frequency", "mean_repeat_value", "engagement_score", "clv", "p_alive", "model_version", "segments", "consent", "number_key",
    ];

    /// <summary>Every column, for SELECTs read with <see cref="Read"/>.</summary>
    public static readonly string SelectColumns = "customer_id, version, " + string.Join(", ", Columns);

    /// <summary>Parameters a summary adds: the customer id, then <see cref="Columns"/>.</summary>
    public const int ParameterCount = 19;

    /// <summary>
    /// An upsert of the summary given as parameters from <paramref name="first"/> on (service id
    /// is $1). <paramref name="version"/> is the SQL of its version; the stored row is replaced
    /// only by a newer version (or, rebuilding, the same one recomputed).
    /// </summary>
    public static string Upsert(int first, string version, string from, bool replaceSameVersion)
    {
        var values = string.Join(", ", Columns.Select((_, i) => $"${first + 1 + i}"));
        var updates = string.Join(", ", Columns.Select(c => $"{c} = excluded.{c}"));
        return $"INSERT INTO engine_customer_summary (service_id, customer_id, version, {string.Join(", ", Columns)}) "
            + $"SELECT $1, ${first}, {version}, {values} {from} "
            + $"ON CONFLICT (service_id, customer_id) DO UPDATE SET version = excluded.version, {updates} "
            + $"WHERE engine_customer_summary.version {(replaceSameVersion ? "<=" : "<")} excluded.version";
    }

    /// <summary>Adds the summary's parameters (customer id first), typed so PostgreSQL need not infer them.</summary>
    public static void AddParameters(NpgsqlParameterCollection parameters, CustomerSummary summary)
    {
        parameters.Add(new NpgsqlParameter<string> { TypedValue = summary.CustomerId });
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = summary.AsOf });
        parameters.Add(Nullable(summary.Tier, NpgsqlDbType.Text));
        parameters.Add(new NpgsqlParameter<long> { TypedValue = summary.PointsBalance });
        parameters.Add(new NpgsqlParameter<decimal> { TypedValue = summary.LifetimeSpend });
        parameters.Add(new NpgsqlParameter<decimal> { TypedValue = summary.RollingSpend });
        parameters.Add(new NpgsqlParameter<int> { TypedValue = summary.Orders });
        parameters.Add(Nullable(summary.FirstPurchaseAt, NpgsqlDbType.TimestampTz));
        parameters.Add(Nullable(summary.LastPurchaseAt, NpgsqlDbType.TimestampTz));
        parameters.Add(Nullable(summary.LastActivityAt, NpgsqlDbType.TimestampTz));
        parameters.Add(new NpgsqlParameter<int> { TypedValue = summary.Frequency });
        parameters.Add(new NpgsqlParameter<double> { TypedValue = summary.MeanRepeatValue });
        parameters.Add(new NpgsqlParameter<double> { TypedValue = Finite(summary.EngagementScore) });
        parameters.Add(Nullable(summary.PredictedLifetimeValue, NpgsqlDbType.Numeric));
        parameters.Add(Nullable(summary.ProbabilityAlive is { } p && double.IsFinite(p) ? p : null, NpgsqlDbType.Double));
        parameters.Add(Nullable(summary.ModelVersion, NpgsqlDbType.Integer));
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. summary.Segments] });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = summary.Consent });
        parameters.Add(Nullable(summary.NumberKey, NpgsqlDbType.Text));
    }

    /// <summary>Reads a row selected with <see cref="SelectColumns"/>.</summary>
    public static CustomerSummary Read(NpgsqlDataReader reader) => new()
    {
        CustomerId = reader.GetString(0),
        Version = reader.GetInt32(1),
        AsOf = reader.GetFieldValue<DateTimeOffset>(2),
        Tier = reader.IsDBNull(3) ? null : reader.GetString(3),
        PointsBalance = reader.GetInt64(4),
        LifetimeSpend = reader.GetDecimal(5),
        RollingSpend = reader.GetDecimal(6),
        Orders = reader.GetInt32(7),
        FirstPurchaseAt = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
        LastPurchaseAt = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
        LastActivityAt = reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
        Frequency = reader.GetInt32(11),
        MeanRepeatValue = reader.GetDouble(12),
        EngagementScore = reader.GetDouble(13),
        PredictedLifetimeValue = reader.IsDBNull(14) ? null : reader.GetDecimal(14),
        ProbabilityAlive = reader.IsDBNull(15) ? null : reader.GetDouble(15),
        ModelVersion = reader.IsDBNull(16) ? null : reader.GetInt32(16),
        Segments = reader.GetFieldValue<string[]>(17),
        Consent = reader.GetString(18),
        NumberKey = reader.IsDBNull(19) ? null : reader.GetString(19),
    };

    // A score that overflowed must not fail the customer's state write.
    private static double Finite(double value) => double.IsFinite(value) ? value : 0;

    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) =>
        new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };
}

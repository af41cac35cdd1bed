namespace Engine.Domain.Projection;

/// <summary>
/// One customer's row in the projection: what fleet questions (tier distribution, segment
/// sizes, top customers, audience counts, the value model's fit) read instead of asking every
/// grain. As of <see cref="AsOf"/>, the moment its state was written: figures that move with
/// the clock (P(alive), predicted value, segments) are as of then. Never holds the phone
/// number, only its suppression-list key.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.CustomerSummary")]
public sealed record CustomerSummary
{
    [Id(0)] public string CustomerId { get; init; } = "";

    /// <summary>The grain state's version this row was computed from (the storage's ETag).</summary>
    [Id(1)] public int Version { get; init; }

    [Id(2)] public DateTimeOffset AsOf { get; init; }

    /// <summary>Tier name, lower case; null before the ladder placed the customer.</summary>
    [Id(3)] public string? Tier { get; init; }

    [Id(4)] public long PointsBalance { get; init; }

    [Id(5)] public decimal LifetimeSpend { get; init; }

    [Id(6)] public decimal RollingSpend { get; init; }

    [Id(7)] public int Orders { get; init; }

    [Id(8)] public DateTimeOffset? FirstPurchaseAt { get; init; }

    [Id(9)] public DateTimeOffset? LastPurchaseAt { get; init; }

    /// <summary>The newest event of any kind (purchase or click).</summary>
    [Id(10)] public DateTimeOffset? LastActivityAt { get; init; }

    /// <summary>Repeat purchase days (the value model's x; RFM's frequency).</summary>
    [Id(11)] public int Frequency { get; init; }

    /// <summary>Mean value of the repeat purchases in the base currency (the Gamma-Gamma model's m).</summary>
    [Id(12)] public double MeanRepeatValue { get; init; }

    [Id(13)] public double EngagementScore { get; init; }

    /// <summary>Predicted lifetime value over the forecast horizon; null before a model or a purchase.</summary>
    [Id(14)] public decimal? PredictedLifetimeValue { get; init; }

    [Id(15)] public double? ProbabilityAlive { get; init; }

    [Id(16)] public int? ModelVersion { get; init; }

    /// <summary>Segment names, ordered.</summary>
    [Id(17)] public IReadOnlyList<string> Segments { get; init; } = [];

    /// <summary>Marketing consent as the SMS policy reads it: opted_in, opted_out or unknown.</summary>
    [Id(18)] public string Consent { get; init; } = ConsentValues.Unknown;

    /// <summary>The suppression-list key of the customer's number (HMAC, never the number); null without one.</summary>
    [Id(19)] public string? NumberKey { get; init; }
}

/// <summary>How consent is spelled in the projection and the admin client.</summary>
public static class ConsentValues
{
    public const string OptedIn = "opted_in";
    public const string OptedOut = "opted_out";
    public const string Unknown = "unknown";

    public static IReadOnlyList<string> All { get; } = [OptedIn, OptedOut, Unknown];
}

namespace Engine.Domain.Segments;

/// <summary>
/// The segments a customer is in as last published (names only, ordered: a few bytes each),
/// and when they were last evaluated. Changes against this are what the customer publishes to
/// <c>engagement.segment-changes</c>; it is part of the durable state, so a replay that
/// evaluates the same memberships again finds nothing to publish.
/// </summary>
[GenerateSerializer, Alias("engine.SegmentMemberships")]
public sealed class SegmentMemberships
{
    [Id(0)] private List<string> _current = [];

    /// <summary>When the memberships were last evaluated (null: never); the daily re-evaluation counts from here.</summary>
    [Id(1)] public DateTimeOffset? EvaluatedAt { get; set; }

    /// <summary>The segment names the customer is in, in ordinal order.</summary>
    public IReadOnlyList<string> Current => _current;

    public bool Contains(string segment) => _current.BinarySearch(segment, StringComparer.Ordinal) >= 0;

    /// <summary>Replaces the memberships.</summary>
    public void Set(IEnumerable<string> segments) => _current = [.. segments.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}

using Engine.Domain.Customers;
using Engine.Domain.Effects;

namespace Engine.Domain.Segments;

/// <summary>
/// Evaluates a customer's segments and records each membership change against the stored
/// ones as an outbox message (published once the state holding it is durable). Ids come from
/// the customer's effect sequence, so the same evaluation replayed on the same durable state
/// records the same messages, and an evaluation that changes nothing records none.
/// </summary>
public static class SegmentMembershipChanges
{
    /// <summary>The reason a customer left a segment whose definition no longer exists.</summary>
    public const string SegmentRemoved = "the segment is no longer defined";

    /// <summary>Evaluates and records; returns how many changes were recorded.</summary>
    /// <param name="state">The customer; its memberships and outbox are updated.</param>
    /// <param name="rules">The segments in force.</param>
    /// <param name="facts">The customer's facts now.</param>
    /// <param name="now">The time of the evaluation (the changes' time).</param>
    /// <param name="modelVersion">The value model version the facts were computed with (null: none fitted).</param>
    /// <param name="historical">Decided from history (a backfill): published marked so downstream does not act on it as news.</param>
    public static int Record(CustomerState state, SegmentRules rules, SegmentFacts facts, DateTimeOffset now, int? modelVersion, bool historical)
    {
        state.Segments.EvaluatedAt = now;
        if (rules.SameMemberships(state.Segments.Current, facts))
        {
            return 0;
        }

        var memberships = rules.Evaluate(facts);
        var changes = SegmentChanges.Between(state.Segments.Current, memberships.Keys);
        foreach (var change in changes)
        {
            var reason = change.Joined
                ? memberships[change.Segment]
                : rules.Find(change.Segment)?.WhyNot(facts) ?? SegmentRemoved;
            var sequence = ++state.EffectSequence;
            state.Outbox.Add(new OutboxMessage
            {
                Id = $"{state.CustomerId}:segment-change:{sequence}",
                Kind = OutboxKind.SegmentChange,
                CreatedAt = now,
                SegmentChange = new SegmentChangeNotice(change.Segment, change.Joined, reason, now, modelVersion, historical),
            });
        }

        if (changes.Count > 0)
        {
            state.Segments.Set(memberships.Keys);
        }

        return changes.Count;
    }
}

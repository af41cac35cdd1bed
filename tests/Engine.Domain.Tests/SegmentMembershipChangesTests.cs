using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Segments;

namespace Engine.Domain.Tests;

/// <summary><see cref="SegmentMembershipChanges"/>: what a change records, with deterministic ids, and nothing when nothing changed.</summary>
[Trait("Category", "Unit")]
public sealed class SegmentMembershipChangesTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly SegmentRules Rules = SegmentRules.From(new SegmentOptions());

    [Fact]
    public void Joining_and_leaving_record_one_message_each_with_why_and_the_model_version()
    {
        var state = new CustomerState { CustomerId = "c-9" };
        Assert.Equal(1, SegmentMembershipChanges.Record(state, Rules, new SegmentFacts().Set("orders_365d", 7), Now, 3, historical: false));

        var changes = SegmentMembershipChanges.Record(state, Rules, new SegmentFacts().Set("orders_365d", 2).Set("cart_abandoned", true), Now.AddDays(1), 4, historical: false);

        Assert.Equal(2, changes);
        var notices = state.Outbox.Messages.Where(m => m.Kind == OutboxKind.SegmentChange).Select(m => (m.Id, m.SegmentChange!)).ToList();
        Assert.Equal(["c-9:segment-change:1", "c-9:segment-change:2", "c-9:segment-change:3"], notices.Select(n => n.Id));
        Assert.Equal(new SegmentChangeNotice("frequent", true, "orders_365d 7 (orders_365d >= 6)", Now, 3), notices[0].Item2);
        Assert.Equal(new SegmentChangeNotice("frequent", false, "orders_365d 2 (not orders_365d >= 6)", Now.AddDays(1), 4), notices[1].Item2);
        Assert.Equal(("cart-abandoner", true), (notices[2].Item2.Segment, notices[2].Item2.Entered));
        Assert.Equal(["cart-abandoner"], state.Segments.Current);
        Assert.Equal(Now.AddDays(1), state.Segments.EvaluatedAt);
    }

    [Fact]
    public void The_same_memberships_record_nothing_and_only_move_the_evaluation_time()
    {
        var state = new CustomerState { CustomerId = "c-9" };
        SegmentMembershipChanges.Record(state, Rules, new SegmentFacts().Set("orders_365d", 7), Now, null, historical: false);
        var messages = state.Outbox.Messages.Count;

        Assert.Equal(0, SegmentMembershipChanges.Record(state, Rules, new SegmentFacts().Set("orders_365d", 9), Now.AddHours(5), null, historical: false));
        Assert.Equal(messages, state.Outbox.Messages.Count);
        Assert.Equal(1, state.EffectSequence);
        Assert.Equal(Now.AddHours(5), state.Segments.EvaluatedAt);
    }

    [Fact]
    public void A_segment_removed_from_the_configuration_is_left_saying_so()
    {
        var state = new CustomerState { CustomerId = "c-9" };
        SegmentMembershipChanges.Record(state, Rules, new SegmentFacts().Set("orders_365d", 7), Now, null, historical: false);
        var withoutFrequent = SegmentRules.From(new SegmentOptions { Rules = { ["frequent"] = "" } });

        SegmentMembershipChanges.Record(state, withoutFrequent, new SegmentFacts().Set("orders_365d", 7), Now, null, historical: false);

        var left = state.Outbox.Messages[^1].SegmentChange!;
        Assert.Equal(("frequent", false, SegmentMembershipChanges.SegmentRemoved), (left.Segment, left.Entered, left.Reason));
    }

    [Fact]
    public void Changes_from_history_are_marked_historical()
    {
        var state = new CustomerState { CustomerId = "c-9" };

        SegmentMembershipChanges.Record(state, Rules, new SegmentFacts().Set("orders_365d", 7), Now, null, historical: true);

        Assert.True(state.Outbox.Messages.Single().SegmentChange!.Historical);
    }

    [Fact]
    public void A_name_no_segment_has_is_reported_so_a_cart_step_cannot_wait_for_a_segment_that_never_comes()
    {
        var options = new SegmentOptions { Rules = { ["vip"] = "lifetime_spend >= 5000", ["new"] = "" } };

        Assert.Equal(["new", "gold"], options.Undefined(["high-value", "vip", "new", "gold"]));
    }

    [Fact]
    public void The_per_batch_check_tells_the_same_memberships_from_any_difference()
    {
        var facts = new SegmentFacts().Set("orders_365d", 7).Set("cart_abandoned", true);

        Assert.True(Rules.SameMemberships(["cart-abandoner", "frequent"], facts));
        Assert.False(Rules.SameMemberships(["frequent"], facts));
        Assert.False(Rules.SameMemberships(["cart-abandoner", "frequent", "new"], facts));
        Assert.False(Rules.SameMemberships(["cart-abandoner", "gone", "frequent"], facts));
    }
}

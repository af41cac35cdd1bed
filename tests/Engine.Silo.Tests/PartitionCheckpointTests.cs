using Confluent.Kafka;
using Engine.Contracts;
using Engine.Silo.Ingestion;

namespace Engine.Silo.Tests;

[Trait("Category", "Unit")]
public sealed class PartitionCheckpointTests
{
    private const string Stream = "engagement.clicks/3";

    private static PartitionSnapshot Snapshot(long completed, params (string Customer, long From, long Given)[] customers) => new(
        new TopicPartition("engagement.clicks", 3),
        Stream,
        completed,
        customers.ToDictionary(c => c.Customer, c => c.Given, StringComparer.Ordinal),
        customers.ToDictionary(c => c.Customer, c => c.From, StringComparer.Ordinal));

    private static FlushReport Report(long durable, long applied) => new(
        new Dictionary<string, long> { [Stream] = durable },
        new Dictionary<string, long> { [Stream] = applied });

    [Fact]
    public void Everyone_durable_commits_everything_completed()
    {
        var snapshot = Snapshot(120, ("a", 100, 110), ("b", 105, 120));
        var result = PartitionCheckpoint.Evaluate(snapshot, committedOffset: 100, new Dictionary<string, FlushReport>
        {
            ["a"] = Report(110, 110),
            ["b"] = Report(120, 120),
        });

        Assert.Equal(121, result.CommitOffset);
        Assert.Equal(["a", "b"], result.Durable.Keys.Order());
        Assert.Empty(result.StillPending);
    }

    [Fact]
    public void A_customer_holding_events_in_memory_holds_the_commit_before_its_first_unsaved_event()
    {
        // b wrote through 104 (an earlier partition of its events), then applied up to 120 in memory.
        var snapshot = Snapshot(130, ("a", 100, 110), ("b", 101, 120), ("c", 125, 130));
        var result = PartitionCheckpoint.Evaluate(snapshot, committedOffset: 100, new Dictionary<string, FlushReport>
        {
            ["a"] = Report(110, 110),
            ["b"] = Report(104, 120),
            ["c"] = Report(-1, 130),
        });

        Assert.Equal(105, result.CommitOffset);
        Assert.Equal(new Dictionary<string, long> { ["b"] = 105, ["c"] = 125 }, result.StillPending);
        Assert.False(result.Lost);
    }

    [Fact]
    public void Nothing_is_committed_when_the_commit_would_not_move_forward()
    {
        var snapshot = Snapshot(130, ("b", 101, 120));

        var result = PartitionCheckpoint.Evaluate(snapshot, committedOffset: 101, new Dictionary<string, FlushReport> { ["b"] = Report(90, 120) });

        Assert.Null(result.CommitOffset);
        Assert.Equal(101, result.StillPending["b"]);
    }

    [Fact]
    public void A_customer_that_applied_less_than_it_was_given_lost_events()
    {
        var snapshot = Snapshot(130, ("a", 100, 110), ("b", 101, 120));

        var result = PartitionCheckpoint.Evaluate(snapshot, committedOffset: 100, new Dictionary<string, FlushReport>
        {
            ["a"] = Report(110, 110),
            ["b"] = Report(104, 104),
        });

        Assert.True(result.Lost);
        Assert.Null(result.CommitOffset);
    }

    [Fact]
    public void A_customer_that_did_not_answer_holds_the_commit_at_its_first_pending_event()
    {
        var snapshot = Snapshot(130, ("a", 100, 110), ("b", 112, 120));

        var result = PartitionCheckpoint.Evaluate(snapshot, committedOffset: 100, new Dictionary<string, FlushReport> { ["a"] = Report(110, 110) });

        Assert.Equal(112, result.CommitOffset);
        Assert.False(result.Lost);
    }
}

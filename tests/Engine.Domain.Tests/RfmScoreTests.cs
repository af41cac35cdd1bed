using Engine.Domain.Value.Model;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class RfmScoreTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);

    // 100 customers: recency 1..100 days, frequency 0..99 repeat days, spend 10..1000.
    private static readonly RfmBoundaries Population = RfmBoundaries.From(
        [.. Enumerable.Range(0, 100).Select(i => (RecencyDays: i + 1.0, Frequency: (double)i, Monetary: 10.0 * (i + 1)))], At);

    [Fact]
    public void The_best_fifth_scores_5_and_the_worst_fifth_1()
    {
        Assert.Equal(new RfmScore(5, 5, 5), Population.Score(recencyDays: 3, frequency: 95, monetary: 990));
        Assert.Equal(new RfmScore(1, 1, 1), Population.Score(recencyDays: 95, frequency: 3, monetary: 30));
        Assert.Equal(new RfmScore(3, 3, 3), Population.Score(recencyDays: 50, frequency: 50, monetary: 500));
    }

    [Fact]
    public void Many_customers_with_the_same_value_all_score_with_the_lowest()
    {
        // Most customers never buy again: frequency 0 is the bottom score, whatever the cut points.
        var boundaries = RfmBoundaries.From([.. Enumerable.Range(0, 100).Select(i => (1.0, i < 70 ? 0.0 : i - 69.0, 10.0))], At);

        Assert.Equal(1, boundaries.Score(1, 0, 10).Frequency);
        Assert.Equal(5, boundaries.Score(1, 30, 10).Frequency);
    }

    [Theory]
    [InlineData(5, 5, 5, RfmGroup.Champions)]
    [InlineData(5, 1, 1, RfmGroup.New)]
    [InlineData(4, 1, 1, RfmGroup.Promising)]
    [InlineData(5, 3, 2, RfmGroup.PotentialLoyalist)]
    [InlineData(3, 5, 4, RfmGroup.Loyal)]
    [InlineData(3, 3, 3, RfmGroup.NeedAttention)]
    [InlineData(3, 1, 2, RfmGroup.AboutToSleep)]
    [InlineData(2, 3, 4, RfmGroup.AtRisk)]
    [InlineData(1, 5, 5, RfmGroup.CantLose)]
    [InlineData(2, 2, 1, RfmGroup.Hibernating)]
    [InlineData(1, 1, 1, RfmGroup.Lost)]
    public void Scores_name_the_classic_groups(int r, int f, int m, RfmGroup group) => Assert.Equal(group, new RfmScore(r, f, m).Group);
}

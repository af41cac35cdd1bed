using Engine.Domain.Effects;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class ConversionComparisonTests
{
    [Fact]
    public void The_interval_is_the_two_proportion_wald_interval_of_the_difference()
    {
        // 10 % against 13 % over 1,000 sends each: se = sqrt(0.1·0.9/1000 + 0.13·0.87/1000) = 0.0142513.
        var difference = ConversionComparison.Compare(1000, 100, 1000, 130)!.Value;

        Assert.Equal(0.03, difference.Difference, 10);
        Assert.Equal(0.03 - 1.959963984540054 * 0.014251315728, difference.Low, 8);
        Assert.Equal(0.03 + 1.959963984540054 * 0.014251315728, difference.High, 8);
        Assert.True(difference.IsSignificant);
    }

    [Fact]
    public void A_small_difference_on_few_sends_is_not_significant_and_no_sends_give_no_interval()
    {
        var difference = ConversionComparison.Compare(50, 5, 50, 7)!.Value;

        Assert.False(difference.IsSignificant);
        Assert.True(ConversionComparison.Compare(50, 5, 50, 7, 0.99)!.Value.High > difference.High);
        Assert.Null(ConversionComparison.Compare(0, 0, 50, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConversionComparison.ZFor(0.5));
    }
}

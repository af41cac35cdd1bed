using Engine.Domain.Value.Model;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class ValueModelHistoryTests
{
    private static readonly ValueModel Fitted = new(
        0, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), 7, new BgNbdParameters(0.243, 4.414, 0.793, 2.426), new GammaGammaParameters(6.25, 3.74, 15.44),
        "cdnow", 2357, -9582.4, -4000);

    [Fact]
    public void Each_publish_is_the_next_version_and_becomes_current()
    {
        var history = new ValueModelHistory();

        var first = history.Publish(Fitted with { Version = 42 });
        var second = history.Publish(Fitted with { Source = "refit" });

        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        Assert.Equal(second, history.Current);
    }

    [Fact]
    public void Only_the_last_ten_versions_are_kept()
    {
        var history = new ValueModelHistory();
        for (var i = 0; i < 12; i++)
        {
            history.Publish(Fitted);
        }

        Assert.Equal(Enumerable.Range(3, 10), history.Versions.Select(v => v.Version));
    }

    [Fact]
    public void An_unusable_model_is_refused_and_the_current_one_stays()
    {
        var history = new ValueModelHistory();
        history.Publish(Fitted);

        var error = Assert.Throws<ArgumentException>(() => history.Publish(Fitted with { Purchases = new BgNbdParameters(0.2, double.NaN, 0.8, 2.4) }));

        Assert.Contains("BG/NBD", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, history.Current!.Version);
    }
}

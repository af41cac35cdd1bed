using Engine.Silo.Demo;

namespace Engine.Silo.Tests.Configuration;

[Trait("Category", "Unit")]
public sealed class DemoOptionsValidatorTests
{
    private static readonly DemoOptionsValidator Validator = new();

    [Fact]
    public void Defaults_are_valid() => Assert.Empty(Validator.Problems(new DemoOptions { Enabled = true }));

    [Fact]
    public void A_demo_without_shoppers_is_refused()
    {
        var options = Configured.Bind<DemoOptions>("Demo", ("Enabled", "true"), ("Customers", "0"), ("EventsPerSecond", "0"));

        Assert.Equal(["Demo:Customers must be positive, got 0", "Demo:EventsPerSecond must be positive, got 0"], Validator.Problems(options));
    }

    [Fact]
    public void An_off_demo_is_not_checked() =>
        Assert.Empty(Validator.Problems(Configured.Bind<DemoOptions>("Demo", ("Customers", "0"))));
}

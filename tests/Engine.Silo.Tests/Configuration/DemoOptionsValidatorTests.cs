using Engine.Silo.Demo;

namespace Engine.Silo.Tests.Configuration;

[Trait("Category", "Unit")]
public sealed class DemoOptionsValidatorTests
{
    private static readonly DemoOptionsValidator Validator = new();

    [Fact]
    public void DefaultsAreValid() => Assert.Empty(Validator.Problems(new DemoOptions { Enabled = true }));

    [Fact]
    public void ADemoWithoutShoppersIsRefused()
    {
        var options = Configured.Bind<DemoOptions>("Demo", ("Enabled", "true"), ("Customers", "0"), ("EventsPerSecond", "0"));

        Assert.Equal(["Demo:Customers must be positive, got 0", "Demo:EventsPerSecond must be positive, got 0"], Validator.Problems(options));
    }

    [Fact]
    public void AnOffDemoIsNotChecked() =>
        Assert.Empty(Validator.Problems(Configured.Bind<DemoOptions>("Demo", ("Customers", "0"))));
}

namespace Engine.Silo.Demo;

/// <summary>How the simulated shoppers behave (see docs/benchmarks.md, "Realistic stream").</summary>
public enum ShopperProfile
{
    /// <summary>
    /// Most sessions fill a cart and buy it, and simulated time runs faster the more customers
    /// there are: every customer climbs the tier ladder within minutes, so 1–4 % of events
    /// change a tier. The stream the tests and the earlier benchmark results were built on.
    /// </summary>
    Stress = 0,

    /// <summary>
    /// Purchases per customer per simulated year and order values as CDNOW's customers made
    /// them, with a typical web shop's conversion rate: effects per event as a real shop sees.
    /// </summary>
    Realistic = 1,
}

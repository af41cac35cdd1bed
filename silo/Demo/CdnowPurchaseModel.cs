namespace Engine.Silo.Demo;

/// <summary>
/// How often customers buy and how much they spend, fitted to the CDNOW data set (69,659
/// purchases of the 23,570 customers who first bought at CDNOW in Q1 1997, followed to June
/// 1998). The derivation and the figures it reproduces are in docs/benchmarks.md
/// ("Realistic stream"); the data itself is not part of the project.
/// </summary>
public static class CdnowPurchaseModel
{
    /// <summary>CDNOW: purchases per customer in the 365 days from their first one.</summary>
    public const double PurchasesPerCustomerYear = 2.541;

    /// <summary>CDNOW: mean purchase value, USD (1997–98 dollars, as recorded).</summary>
    public const double MeanOrderValue = 35.93;

    /// <summary>
    /// Assumption, not CDNOW: the share of web sessions that end in an order (typical
    /// e-commerce conversion rates are 2–3 %). It sets how many clicks come with each purchase.
    /// </summary>
    public const double SessionConversion = 0.025;

    /// <summary>
    /// Assumption, not CDNOW: the share of sessions that do not buy but leave a product in the
    /// cart, chosen so that about 70 % of carts are abandoned (the usual industry figure).
    /// </summary>
    public const double AbandonedCartSessions = 0.06;

    // Purchases per customer-year vary a lot (CDNOW: median 1, variance 13.4): each customer
    // gets a rate from a gamma distribution whose Poisson mixture has CDNOW's mean and variance.
    private const double PurchaseRateShape = 0.5945;
    private const double PurchaseRateScale = PurchasesPerCustomerYear / PurchaseRateShape;

    // log(order value) is normal-ish with variance 0.539: 0.200 between customers (some buy
    // bigger orders every time, which is what lifts a few of them to Gold), 0.339 within.
    private const double ValueSpreadBetweenCustomers = 0.4472;
    private const double ValueSpreadWithinCustomer = 0.5824;
    private const double LogOrderValueMean = 3.31197; // ln(35.93) - 0.539 / 2: the mean is CDNOW's

    /// <summary>A customer's expected purchases per year.</summary>
    public static double DrawPurchaseRate(Random random) => Gamma(random, PurchaseRateShape) * PurchaseRateScale;

    /// <summary>A customer's lasting offset of log(order value) from the population's.</summary>
    public static double DrawValueOffset(Random random) => Normal(random) * ValueSpreadBetweenCustomers;

    /// <summary>One order's value in USD for a customer with the given offset, at least a cent.</summary>
    public static decimal DrawOrderValue(Random random, double valueOffset) =>
        Math.Max(0.01m, Math.Round((decimal)Math.Exp(LogOrderValueMean + valueOffset + Normal(random) * ValueSpreadWithinCustomer), 2));

    /// <summary>Standard normal (Box–Muller).</summary>
    private static double Normal(Random random)
    {
        var u = 1.0 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }

    /// <summary>Gamma with scale 1 (Marsaglia–Tsang; a shape below 1 is boosted by one and scaled back).</summary>
    private static double Gamma(Random random, double shape)
    {
        if (shape < 1.0)
        {
            return Gamma(random, shape + 1.0) * Math.Pow(1.0 - random.NextDouble(), 1.0 / shape);
        }

        var d = shape - 1.0 / 3.0;
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            var x = Normal(random);
            var v = 1.0 + c * x;
            if (v <= 0)
            {
                continue;
            }

            v = v * v * v;
            var u = 1.0 - random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v))
            {
                return d * v;
            }
        }
    }
}

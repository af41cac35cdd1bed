namespace Engine.Silo.Demo;

/// <summary>
/// The realistic profile: each customer buys at their own yearly rate (drawn from
/// <see cref="CdnowPurchaseModel"/>), sessions come in simulated time at the rate that makes
/// those purchases happen with <see cref="CdnowPurchaseModel.SessionConversion"/>, and an
/// order's value is drawn rather than summed from catalog prices.
/// </summary>
/// <remarks>
/// Customers who all start with no spend would reach the tier thresholds only months into
/// the stream (a fresh cohort: almost no tier changes in the first simulated month). A real
/// shop's customers carry a year of rolling spend, so the stream opens with the orders each
/// customer placed in the year before the start (orders only, as an import of order history
/// would send them); the sessions after it change tiers at a running shop's rate.
/// </remarks>
public sealed partial class ShopperSimulation
{
    private const double SecondsPerYear = 365 * 24 * 3600.0;

    /// <summary>How far back the realistic profile's purchase history goes: the rolling spend window.</summary>
    private static readonly TimeSpan RealisticHistory = TimeSpan.FromDays(365);

    // Running totals of the customers' purchase rates, to pick a session's shopper in proportion to it.
    private double[] _cumulativeRates = [];
    private double _meanSecondsBetweenSessions;
    private DateTimeOffset _sessionClock;
    private (DateTimeOffset At, Shopper Shopper)[] _history = [];
    private int _historyPlayed;

    private void StartRealisticShopping(DateTimeOffset start)
    {
        _cumulativeRates = new double[_shoppers.Length];
        var total = 0.0;
        for (var i = 0; i < _shoppers.Length; i++)
        {
            var shopper = _shoppers[i];
            shopper.PurchaseRate = CdnowPurchaseModel.DrawPurchaseRate(_random);
            shopper.ValueOffset = CdnowPurchaseModel.DrawValueOffset(_random);
            total += shopper.PurchaseRate;
            _cumulativeRates[i] = total;
        }

        _history = DrawHistory(from: _clock, to: start);

        // All customers together hold total / conversion sessions per simulated year.
        _meanSecondsBetweenSessions = SecondsPerYear * CdnowPurchaseModel.SessionConversion / Math.Max(total, double.Epsilon);
        _sessionClock = start;

        // Within a session clicks take real seconds, however many customers there are.
        _paceDivisor = 1.0;
    }

    /// <summary>Each customer's orders between the profiles and the start, at their own rate, in time order.</summary>
    private (DateTimeOffset At, Shopper Shopper)[] DrawHistory(DateTimeOffset from, DateTimeOffset to)
    {
        var years = Math.Max(0, (to - from).TotalSeconds) / SecondsPerYear;
        var orders = new List<(DateTimeOffset At, Shopper Shopper)>();
        foreach (var shopper in _shoppers)
        {
            // A Poisson process: exponential gaps, in years, at the customer's rate.
            for (var t = Gap(shopper.PurchaseRate); t < years; t += Gap(shopper.PurchaseRate))
            {
                orders.Add((from.AddSeconds(t * SecondsPerYear), shopper));
            }
        }

        // Stable: a customer's orders at the same instant keep the order they were drawn in.
        return [.. orders.OrderBy(o => o.At)];

        double Gap(double rate) => rate > 0 ? -Math.Log(1.0 - _random.NextDouble()) / rate : double.PositiveInfinity;
    }

    private void NextRealisticEvents()
    {
        if (_historyPlayed < _history.Length)
        {
            var (at, shopper) = _history[_historyPlayed++];
            PastOrder(shopper, at);
        }
        else
        {
            RealisticSession();
        }
    }

    /// <summary>An order of the history: no clicks, one to four products (not bought before, while the catalog has such).</summary>
    private void PastOrder(Shopper shopper, DateTimeOffset at)
    {
        _clock = _wallClock?.Invoke() ?? Latest(at, shopper.LastEventAt);
        var products = _random.Next(1, 5);
        for (var i = 0; i < products; i++)
        {
            var wanted = _catalog[_random.Next(_catalog.Length)];
            // A repeat purchase is harmless here (no click puts it in the cart), and keeps one order per history entry.
            var product = ProductToBuy(shopper, wanted) ?? wanted;
            shopper.Cart[product.Sku] = shopper.Cart.GetValueOrDefault(product.Sku) + 1;
        }

        _pending.Enqueue(Purchase(shopper, CdnowPurchaseModel.DrawOrderValue(_random, shopper.ValueOffset)));
        shopper.LastEventAt = _clock;
    }

    private void RealisticSession()
    {
        var shopper = NextRealisticShopper();
        _sessionClock = _sessionClock.AddSeconds(-Math.Log(1.0 - _random.NextDouble()) * _meanSecondsBetweenSessions);
        // Sessions of different customers overlap in time; one customer's never do.
        _clock = _wallClock?.Invoke() ?? Latest(_sessionClock, shopper.LastEventAt);

        var session = $"s-{shopper.Id}-{++shopper.Sessions}";
        var buys = _random.NextDouble() < CdnowPurchaseModel.SessionConversion;
        _pending.Enqueue(Click(shopper, session, "page_view", null, null));
        var views = _random.Next(1, 4);
        var lastViewed = _catalog[0];
        for (var i = 0; i < views; i++)
        {
            lastViewed = _catalog[_random.Next(_catalog.Length)];
            _pending.Enqueue(Click(shopper, session, "product_view", lastViewed, null));
        }

        if (buys)
        {
            AddToCart(shopper, session, ProductToBuy(shopper, lastViewed));
            if (shopper.Cart.Count > 0)
            {
                _pending.Enqueue(Click(shopper, session, "checkout_started", null, null));
                _pending.Enqueue(Purchase(shopper, CdnowPurchaseModel.DrawOrderValue(_random, shopper.ValueOffset)));
            }
        }
        else if (_random.NextDouble() < CdnowPurchaseModel.AbandonedCartSessions)
        {
            AddToCart(shopper, session, shopper.Bought.Contains(lastViewed.Sku) ? null : lastViewed);
        }

        shopper.LastEventAt = _clock;
    }

    private Shopper NextRealisticShopper()
    {
        var target = _random.NextDouble() * _cumulativeRates[^1];
        var index = Array.BinarySearch(_cumulativeRates, target);
        return _shoppers[Math.Min(index < 0 ? ~index : index, _shoppers.Length - 1)];
    }

    /// <summary>The product given, or another one when the customer bought it before (null when none is found).</summary>
    private Catalog? ProductToBuy(Shopper shopper, Catalog wanted)
    {
        var product = wanted;
        for (var attempt = 0; attempt < 20 && shopper.Bought.Contains(product.Sku); attempt++)
        {
            product = _catalog[_random.Next(_catalog.Length)];
        }

        return shopper.Bought.Contains(product.Sku) ? null : product;
    }

    private void AddToCart(Shopper shopper, string session, Catalog? product)
    {
        if (product is null)
        {
            return;
        }

        _pending.Enqueue(Click(shopper, session, "add_to_cart", product, 1));
        shopper.Cart[product.Sku] = shopper.Cart.GetValueOrDefault(product.Sku) + 1;
    }

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}

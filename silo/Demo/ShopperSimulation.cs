using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Engine.Domain.Events;

namespace Engine.Silo.Demo;

/// <summary>One generated event as a producer would send it.</summary>
public sealed record SimulatedEvent(string Type, string CustomerId, byte[] Json);

/// <summary>
/// A deterministic stream of shopper behaviour: a profile per customer, then sessions that
/// browse, fill carts, sometimes remove or abandon, and buy: often (<see cref="ShopperProfile.Stress"/>)
/// or as a real shop's customers do (<see cref="ShopperProfile.Realistic"/>). The same seed
/// and profile give the same stream, so tests can compute the expected state independently.
/// A customer never puts a product in the cart again after buying it, which keeps the
/// expected cart independent of how clicks and purchases interleave across topics.
/// </summary>
public sealed partial class ShopperSimulation
{
    private static readonly string[] FirstNames = ["Ana", "Ben", "Chloé", "Dmitri", "Emma", "Farah", "Goran", "Hana", "Ivo", "Jules", "Kenji", "Lena", "Mateo", "Nora", "Omar", "Priya"];
    private static readonly string[] TimeZones = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Europe/Paris", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney"];
    private static readonly string[] Locales = ["en-US", "en-GB", "fr-FR", "de-DE", "ja-JP", "es-ES"];
    private static readonly string[] Adjectives = ["Classic", "Organic", "Wireless", "Vintage", "Compact", "Deluxe", "Everyday", "Trail"];
    private static readonly string[] Products = ["Headphones", "Coffee Beans", "Running Shoes", "Desk Lamp", "Backpack", "Water Bottle", "Novel", "Yoga Mat", "Tea Set", "Sunglasses"];

    private readonly Random _random;
    private readonly int _customers;
    private readonly Catalog[] _catalog;
    private readonly Shopper[] _shoppers;
    private readonly Queue<SimulatedEvent> _pending = new();
    private DateTimeOffset _clock;
    private long _sequence;

    private readonly Func<DateTimeOffset>? _wallClock;
    private readonly ShopperProfile _profile;
    public const string DefaultEventIdPrefix = "evt-";

    private readonly string _eventIdPrefix;
    private readonly string _orderIdPrefix;

    // Simulated seconds are divided by this: the stress stream runs faster with more customers.
    private double _paceDivisor;

    /// <summary>
    /// A stream of <paramref name="customers"/> shoppers behaving as <paramref name="profile"/> says;
    /// <paramref name="wallClock"/>, when given, stamps events live instead of with simulated time from <paramref name="start"/>.
    /// The realistic profile's profiles and year of purchase history are dated in the year before <paramref name="start"/>.
    /// <paramref name="eventIdPrefix"/> keeps event ids and order ids apart when two streams feed the same customers.
    /// </summary>
    public ShopperSimulation(int customers, int seed, DateTimeOffset start, string customerPrefix = "cust-", Func<DateTimeOffset>? wallClock = null,
        ShopperProfile profile = ShopperProfile.Stress, string eventIdPrefix = DefaultEventIdPrefix)
    {
        _wallClock = wallClock;
        _profile = profile;
        _eventIdPrefix = eventIdPrefix;
        // The default stream keeps its order ids as they always were (its golden hashes pin them).
        _orderIdPrefix = eventIdPrefix == DefaultEventIdPrefix ? "" : eventIdPrefix;
        _random = new Random(seed);
        _customers = customers;
        _clock = profile == ShopperProfile.Realistic ? start - RealisticHistory : start;
        _paceDivisor = Math.Max(1.0, customers / 50.0);
        _catalog = [.. Enumerable.Range(1, 400).Select(i => new Catalog(
            $"SKU-{i:D4}",
            $"{Adjectives[i % Adjectives.Length]} {Products[i % Products.Length]}",
            Math.Round(4.99m + (i * 7919 % 19000) / 100m, 2)))];
        _shoppers = [.. Enumerable.Range(1, customers).Select(i => new Shopper($"{customerPrefix}{seed}-{i:D6}"))];
        foreach (var shopper in _shoppers)
        {
            _pending.Enqueue(Profile(shopper));
        }

        if (profile == ShopperProfile.Realistic)
        {
            // After the profiles, so both profiles draw the same customers.
            StartRealisticShopping(start);
        }
    }

    /// <summary>How many events come before the first session: the profiles, then (realistic profile) the purchase history.</summary>
    public int OpeningEvents => _shoppers.Length + _history.Length;

    /// <summary>Customer ids in the stream.</summary>
    public IEnumerable<string> CustomerIds => _shoppers.Select(s => s.Id);

    /// <summary>The next <paramref name="count"/> events, profiles first.</summary>
    public IEnumerable<SimulatedEvent> Take(int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (_pending.Count == 0)
            {
                if (_profile == ShopperProfile.Realistic)
                {
                    NextRealisticEvents();
                }
                else
                {
                    Session(_shoppers[_random.Next(_customers)]);
                }
            }

            yield return _pending.Dequeue();
        }
    }

    private void Session(Shopper shopper)
    {
        var session = $"s-{shopper.Id}-{++shopper.Sessions}";
        Tick(60, 3600);
        _pending.Enqueue(Click(shopper, session, "page_view", null, null));
        var browsing = _random.Next(1, 4);
        var added = new List<Catalog>();
        for (var i = 0; i < browsing; i++)
        {
            var product = _catalog[_random.Next(_catalog.Length)];
            _pending.Enqueue(Click(shopper, session, "product_view", product, null));
            if (!shopper.Bought.Contains(product.Sku) && _random.NextDouble() < 0.6)
            {
                var quantity = _random.Next(1, 3);
                _pending.Enqueue(Click(shopper, session, "add_to_cart", product, quantity));
                shopper.Cart[product.Sku] = shopper.Cart.GetValueOrDefault(product.Sku) + quantity;
                added.Add(product);
            }
        }

        if (added.Count > 1 && _random.NextDouble() < 0.2)
        {
            var removed = added[_random.Next(added.Count)];
            _pending.Enqueue(Click(shopper, session, "remove_from_cart", removed, 1));
            var left = shopper.Cart[removed.Sku] - 1;
            if (left <= 0)
            {
                shopper.Cart.Remove(removed.Sku);
            }
            else
            {
                shopper.Cart[removed.Sku] = left;
            }
        }

        if (shopper.Cart.Count == 0)
        {
            return;
        }

        _pending.Enqueue(Click(shopper, session, "checkout_started", null, null));
        if (_random.NextDouble() < 0.65)
        {
            _pending.Enqueue(Purchase(shopper));
        }
    }

    private SimulatedEvent Profile(Shopper shopper)
    {
        var optedIn = _random.NextDouble() < 0.8;
        var at = Tick(1, 30);
        return Write(EventTypes.Customer, shopper.Id, w =>
        {
            w.WriteString("firstName", FirstNames[_random.Next(FirstNames.Length)]);
            w.WriteString("phone", "+1555" + _random.Next(1000000, 9999999).ToString(CultureInfo.InvariantCulture));
            w.WriteString("timeZone", TimeZones[_random.Next(TimeZones.Length)]);
            w.WriteString("locale", Locales[_random.Next(Locales.Length)]);
            w.WriteString("birthday", new DateOnly(1950 + _random.Next(55), 1 + _random.Next(12), 1 + _random.Next(28)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteStartObject("smsConsent");
            w.WriteString("status", optedIn ? "opted_in" : "opted_out");
            w.WriteString("source", "checkout");
            w.WriteString("at", at.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        });
    }

    private SimulatedEvent Click(Shopper shopper, string session, string action, Catalog? product, int? quantity)
    {
        Tick(5, 120);
        return Write(EventTypes.Click, shopper.Id, w =>
        {
            w.WriteString("action", action);
            w.WriteString("sessionId", session);
            w.WriteString("url", product is null ? "https://shop.example/" : $"https://shop.example/p/{product.Sku}");
            if (product is not null)
            {
                w.WriteString("sku", product.Sku);
                w.WriteString("productName", product.Name);
                w.WriteNumber("unitPrice", product.Price);
            }

            if (quantity is { } q)
            {
                w.WriteNumber("quantity", q);
            }
        });
    }

    /// <summary>The shopper buys the cart; <paramref name="orderValue"/>, when given, is what the order comes to (its lines priced in proportion).</summary>
    private SimulatedEvent Purchase(Shopper shopper, decimal? orderValue = null)
    {
        Tick(30, 300);
        var lines = shopper.Cart.Select(line => (Product: _catalog.First(c => c.Sku == line.Key), Quantity: line.Value)).ToList();
        var priceFactor = orderValue is { } value ? value / lines.Sum(l => l.Product.Price * l.Quantity) : 1m;
        foreach (var line in lines)
        {
            shopper.Bought.Add(line.Product.Sku);
        }

        shopper.Cart.Clear();
        var amount = lines.Sum(l => PriceOf(l.Product) * l.Quantity);
        return Write(EventTypes.Purchase, shopper.Id, w =>
        {
            w.WriteString("orderId", $"{_orderIdPrefix}o-{shopper.Id}-{++shopper.Orders}");
            w.WriteNumber("amount", amount);
            w.WriteString("currency", "USD");
            w.WriteStartArray("items");
            foreach (var (product, quantity) in lines)
            {
                w.WriteStartObject();
                w.WriteString("sku", product.Sku);
                w.WriteString("name", product.Name);
                w.WriteNumber("quantity", quantity);
                w.WriteNumber("unitPrice", PriceOf(product));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("channel", _random.NextDouble() < 0.8 ? "web" : "app");
        });

        decimal PriceOf(Catalog product) =>
            orderValue is null ? product.Price : Math.Max(0.01m, Math.Round(product.Price * priceFactor, 2));
    }

    private SimulatedEvent Write(string type, string customerId, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteString("eventId", $"{_eventIdPrefix}{customerId}-{++_sequence}");
            writer.WriteString("customerId", customerId);
            writer.WriteString("occurredAt", _clock.ToString("yyyy-MM-ddTHH:mm:ss.fffK", CultureInfo.InvariantCulture));
            body(writer);
            writer.WriteEndObject();
        }

        return new SimulatedEvent(type, customerId, buffer.WrittenSpan.ToArray());
    }

    private DateTimeOffset Tick(int minSeconds, int maxSeconds) =>
        _clock = _wallClock?.Invoke() ?? _clock.AddSeconds(_random.Next(minSeconds, maxSeconds) / _paceDivisor);

    private sealed record Catalog(string Sku, string Name, decimal Price);

    private sealed class Shopper(string id)
    {
        public string Id { get; } = id;
        public int Sessions { get; set; }
        public int Orders { get; set; }
        public Dictionary<string, int> Cart { get; } = [];
        public HashSet<string> Bought { get; } = [];

        /// <summary>Realistic profile: expected purchases per simulated year.</summary>
        public double PurchaseRate { get; set; }

        /// <summary>Realistic profile: the customer's lasting offset of log(order value).</summary>
        public double ValueOffset { get; set; }

        /// <summary>Realistic profile: occurredAt of the customer's latest event, so their own events stay in order.</summary>
        public DateTimeOffset LastEventAt { get; set; }
    }
}

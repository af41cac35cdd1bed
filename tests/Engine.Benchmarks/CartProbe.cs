using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Engine.Domain.Events;
using Engine.Silo.Demo;
using Engine.Silo.Kafka;

namespace Engine.Benchmarks;

/// <summary>
/// Carts that fall due in real time during row 4's live window, so its cart line measures the
/// engine: the realistic stream's carts fall due in simulated time, hours before a saturated
/// engine reads them. Fresh customers (opted in, in a time zone where it is daytime, so quiet
/// hours hold nothing) each add a product to the cart, stamped so that the cart's delay ends
/// <see cref="Lead"/> after it is produced. Nothing else happens to the cart, so each one is
/// reminded of once, and the reminder's latency (due time → gateway's answer) is the engine's:
/// reading the event, its durable wake-up, the policy, rendering, the dispatcher.
/// </summary>
internal static class CartProbe
{
    public const string CustomerPrefix = "cartprobe-";

    /// <summary>From the event's production to its cart falling due: ample for the live engine to read and store it.</summary>
    public static readonly TimeSpan Lead = TimeSpan.FromSeconds(15);

    private static readonly string[] Zones =
    [
        "Pacific/Honolulu", "America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Paris", "Asia/Dubai", "Asia/Kolkata",
        "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland",
    ];

    /// <summary>
    /// Produces <paramref name="customers"/> carts in groups of ten spread over
    /// <paramref name="spread"/>; returns how many were produced.
    /// </summary>
    public static async Task<int> RunAsync(
        string bootstrapServers, KafkaTopics topics, IReadOnlyDictionary<string, string> producerSettings, TimeSpan cartDelay, int customers, TimeSpan spread, CancellationToken cancellation)
    {
        var zone = DaytimeZone(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow + spread + Lead + TimeSpan.FromMinutes(5));
        const int group = 10;
        var pause = spread / Math.Max(1, customers / group);
        var produced = 0;
        while (produced < customers && !cancellation.IsCancellationRequested)
        {
            var now = DateTimeOffset.UtcNow;
            var events = new List<SimulatedEvent>();
            for (var i = 0; i < group && produced + i < customers; i++)
            {
                var id = CustomerPrefix + (produced + i).ToString("D5", CultureInfo.InvariantCulture);
                events.Add(Profile(id, zone, now));
                events.Add(AddToCart(id, now - cartDelay + Lead));
            }

            await Task.Run(() => EventCorpus.ProduceAll(bootstrapServers, topics, events, producerSettings), CancellationToken.None);
            produced += events.Count / 2;
            await Task.Delay(pause, cancellation).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return produced;
    }

    /// <summary>A zone whose local time stays between 09:00 and 20:00 (inside the default allowed hours) from <paramref name="from"/> to <paramref name="until"/>.</summary>
    private static string DaytimeZone(DateTimeOffset from, DateTimeOffset until)
    {
        foreach (var id in Zones)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            var start = TimeZoneInfo.ConvertTime(from, zone);
            var end = TimeZoneInfo.ConvertTime(until, zone);
            if (start.Date == end.Date && start.Hour >= 9 && end.Hour < 20)
            {
                return id;
            }
        }

        throw new InvalidOperationException("no probe time zone is in daytime now");
    }

    private static SimulatedEvent Profile(string customerId, string zone, DateTimeOffset at) => Write(EventTypes.Customer, customerId, "profile", at, w =>
    {
        w.WriteString("firstName", "Probe");
        // A fixed valid number per customer, like the simulation's.
        w.WriteString("phone", "+1555" + (2_000_000 + int.Parse(customerId[CustomerPrefix.Length..], CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture));
        w.WriteString("timeZone", zone);
        w.WriteString("locale", "en-US");
        w.WriteStartObject("smsConsent");
        w.WriteString("status", "opted_in");
        w.WriteString("source", "checkout");
        w.WriteString("at", at.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture));
        w.WriteEndObject();
    });

    private static SimulatedEvent AddToCart(string customerId, DateTimeOffset at) => Write(EventTypes.Click, customerId, "cart", at, w =>
    {
        w.WriteString("action", "add_to_cart");
        w.WriteString("sessionId", customerId + "-s1");
        w.WriteString("url", "https://shop.example/p/probe");
        w.WriteString("sku", "PROBE-1");
        w.WriteString("productName", "Trail shoes");
        w.WriteNumber("unitPrice", 89.90m);
        w.WriteNumber("quantity", 1);
    });

    private static SimulatedEvent Write(string type, string customerId, string kind, DateTimeOffset at, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(384);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteString("eventId", $"{customerId}-{kind}");
            writer.WriteString("customerId", customerId);
            writer.WriteString("occurredAt", at.ToString("yyyy-MM-ddTHH:mm:ss.fffK", CultureInfo.InvariantCulture));
            body(writer);
            writer.WriteEndObject();
        }

        return new SimulatedEvent(type, customerId, buffer.WrittenSpan.ToArray());
    }
}

using System.Globalization;
using System.Text.Json;
using Engine.Domain.Effects;
using Engine.Domain.Sms;

namespace Engine.Integration.Tests;

/// <summary>The cart abandonment trigger end to end: Kafka in, the silo process, Kannel's fake SMSC out, the admin client.</summary>
public sealed partial class SmsEndToEndTests
{
    private static readonly Dictionary<string, string> ShortCartDelays = new()
    {
        ["CartAbandonment__Delay"] = "00:00:04",
        ["CartAbandonment__CheckoutDelay"] = "00:00:04",
    };

    [Fact]
    public async Task An_abandoned_cart_yields_exactly_one_text_with_its_lines_and_link_and_shows_in_the_admin_client()
    {
        await using var setting = await Setting.StartAsync(ShortCartDelays);
        var ana = Shopper.New("cart");
        await setting.ProduceProfilesAsync([ana]);

        setting.ProduceCart(ana, DateTimeOffset.UtcNow, ("SKU-7", "Trail shoes", 1, 80m), ("SKU-8", "Socks", 2, 5m));
        var sent = await setting.WaitForSmsAsync(ana, m => m.Sms!.Trigger == "cart_abandoned" && m.Status == OutboxStatus.Done, "the cart reminder to go out");

        // One message, in as many parts as it took (the link makes it two): the same UDH reference, parts 1..N.
        var parts = await setting.WaitForArrivalsAsync(ana, sent.Segments, "the cart reminder's parts at the fake SMSC");
        // bearerbox counts a multi-part message once, so its idle check does not apply: the
        // delivery report comes after every part went out.
        await setting.WaitForSmsAsync(ana, m => m.Id == sent.Id && m.Delivery == SmsDeliveryState.Delivered, "the cart reminder to be reported delivered");
        Assert.Equal(2, sent.Segments);
        Assert.Equal(sent.Segments, setting.Kannel.ReceivedMessages.Count);
        Assert.Single(parts.Select(p => p.Udh![..^3]).Distinct());
        var text = string.Concat(parts.OrderBy(p => p.Udh, StringComparer.Ordinal).Select(p => p.Text));
        Assert.Equal(
            $"Hi {ana.FirstName}, your cart is waiting: 1x Trail shoes, 2x Socks (90.00 USD). Finish your order: "
            + $"https://shop.example/cart/{ana.Id}-1?utm_source=sms&utm_medium=sms&utm_campaign=cart_reminder&utm_content=default Reply STOP to opt out",
            text);

        var log = await AdminAsync(setting, "sms", "log", ana.Id, "--json");
        var entry = Assert.Single(log.GetProperty("messages").EnumerateArray());
        Assert.Equal((sent.Id[(ana.Id.Length + 1)..], $"{ana.Id}-1", "reminder", "default"),
            (entry.GetProperty("id").GetString(), entry.GetProperty("cart").GetString(), entry.GetProperty("step").GetString(), entry.GetProperty("variant").GetString()));
        var experiments = await AdminAsync(setting, "experiments", "--json");
        var variant = Assert.Single(experiments.GetProperty("variants").EnumerateArray());
        Assert.Equal(("cart-reminder", 1L), (variant.GetProperty("experiment").GetString(), variant.GetProperty("sends").GetInt64()));
    }

    [Fact]
    public async Task A_purchase_between_the_delay_and_the_end_of_quiet_hours_sends_nothing()
    {
        await using var setting = await Setting.StartAsync(ShortCartDelays);
        var night = Shopper.New("night");
        await setting.ProduceProfileAsync(night, NightZone());

        setting.ProduceCart(night, DateTimeOffset.UtcNow, ("SKU-1", "Trail shoes", 1, 80m));
        var deferred = await setting.WaitForSmsAsync(night, m => m.Sms!.Trigger == "cart_abandoned" && m.DueAt > DateTimeOffset.UtcNow.AddHours(1), "the reminder to be deferred to the morning");
        Assert.Equal(OutboxStatus.Pending, deferred.Status);

        await setting.ProducePurchasesAsync([night], 80m);
        var cancelled = await setting.WaitForSmsAsync(night, m => m.Id == deferred.Id && m.Status == OutboxStatus.Cancelled, "the deferred reminder to be cancelled by the purchase");
        Assert.Equal("cart-bought", cancelled.Detail);
        await setting.WaitUntilKannelIdleAsync();
        Assert.Empty(setting.Kannel.ReceivedMessages);
    }

    /// <summary>A zone where it is 03:00 or so now: marketing waits until 08:00 there.</summary>
    private static string NightZone()
    {
        var now = DateTimeOffset.UtcNow;
        var zone = TimeZoneInfo.GetSystemTimeZones()
            .Where(z => z.HasIanaId && z.Id.Contains('/', StringComparison.Ordinal) && !z.Id.StartsWith("Etc/", StringComparison.Ordinal))
            .OrderBy(z => Math.Abs((TimeZoneInfo.ConvertTime(now, z).TimeOfDay - TimeSpan.FromHours(3)).TotalMinutes))
            .ThenBy(z => z.Id, StringComparer.Ordinal)
            .First().Id;
        Assert.True(QuietHours.NextAllowed(now.AddMinutes(1), zone, DefaultPolicy) > now.AddHours(2), zone);
        return zone;
    }

    private static Task<JsonElement> AdminAsync(Setting setting, params string[] arguments) => Processes.EngineAdmin.JsonAsync(setting.Silo.GatewayPort, arguments);

    private sealed partial class Setting
    {
        /// <summary>Adds the lines to the shopper's cart on the clicks topic, at <paramref name="at"/>.</summary>
        public void ProduceCart(Shopper shopper, DateTimeOffset at, params (string Sku, string Name, int Quantity, decimal Price)[] lines)
        {
            foreach (var (sku, name, quantity, price) in lines)
            {
                Produce(Topics.Clicks, shopper, $$"""{"type":"click","eventId":"{{shopper.Id}}-{{sku}}","customerId":"{{shopper.Id}}","occurredAt":"{{Timestamp(at)}}","action":"add_to_cart","sessionId":"s-1","sku":"{{sku}}","productName":"{{name}}","quantity":{{quantity}},"unitPrice":{{price.ToString(CultureInfo.InvariantCulture)}} }""");
            }

            _producer!.Flush(TimeSpan.FromSeconds(30));
        }

        /// <summary>An opted-in profile in the given zone; waits until the grain holds it.</summary>
        public async Task ProduceProfileAsync(Shopper shopper, string zone)
        {
            var at = Timestamp(DateTimeOffset.UtcNow.AddDays(-1));
            Produce(Topics.Customers, shopper, $$"""{"type":"customer","eventId":"{{shopper.Id}}-profile","customerId":"{{shopper.Id}}","occurredAt":"{{at}}","firstName":"{{shopper.FirstName}}","phone":"{{shopper.Phone}}","timeZone":"{{zone}}","smsConsent":{"status":"opted_in","source":"checkout","at":"{{at}}"} }""");
            await WaitUntilCommittedAsync();
        }
    }
}

using System.Globalization;
using System.Text.Json;

namespace Engine.Integration.Tests;

/// <summary>
/// What a customer's state must be after a stream, computed straight from the JSON events
/// with none of the engine's code: the reference the pipeline is checked against.
/// </summary>
public sealed class ExpectedCustomer
{
    public int Events { get; set; }
    public decimal LifetimeSpend { get; set; }
    public int Orders { get; set; }
    public DateTimeOffset? FirstPurchaseAt { get; set; }
    public DateTimeOffset? LastPurchaseAt { get; set; }
    public HashSet<DateOnly> PurchaseDays { get; } = [];
    public Dictionary<string, int> Clicks { get; } = [];
    public HashSet<string> Sessions { get; } = [];
    public DateTimeOffset? LastSeenAt { get; set; }
    public Dictionary<string, int> CartBeforePurchases { get; } = [];
    public HashSet<string> Purchased { get; } = [];
    public string? FirstName { get; set; }
    public string? Phone { get; set; }
    public string? TimeZone { get; set; }
    public string? ConsentStatus { get; set; }

    /// <summary>Tier after the stream under the default ladder (Bronze, Silver 500, Gold 1000, Platinum 5000), or null before any purchase.</summary>
    public string? Tier { get; set; }
    public int TierChanges { get; set; }
    /// <summary>Points earned: floor(amount x multiplier of the tier held before the purchase).</summary>
    public long PointsEarned { get; set; }

    /// <summary>Cart lines: what was added and not removed, minus anything bought.</summary>
    public Dictionary<string, int> Cart => CartBeforePurchases.Where(l => !Purchased.Contains(l.Key)).ToDictionary();
}

public static class CustomerOracle
{
    /// <summary>Folds events given in per-topic order (which is all Kafka guarantees) into expectations.</summary>
    public static Dictionary<string, ExpectedCustomer> Compute(IEnumerable<byte[]> events)
    {
        var customers = new Dictionary<string, ExpectedCustomer>();
        foreach (var json in events)
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var id = root.GetProperty("customerId").GetString()!;
            if (!customers.TryGetValue(id, out var c))
            {
                customers[id] = c = new ExpectedCustomer();
            }

            c.Events++;
            var at = DateTimeOffset.Parse(root.GetProperty("occurredAt").GetString()!, CultureInfo.InvariantCulture);
            switch (root.GetProperty("type").GetString())
            {
                case "purchase":
                    var amount = root.GetProperty("amount").GetDecimal();
                    // Purchases of a customer share one partition, so this order is the engine's order too.
                    c.PointsEarned += (long)decimal.Floor(amount * Multipliers[TierIndex(c.LifetimeSpend)]);
                    var tierBefore = TierIndex(c.LifetimeSpend);
                    c.LifetimeSpend += amount;
                    var tierAfter = TierIndex(c.LifetimeSpend);
                    c.TierChanges += tierAfter > tierBefore ? 1 : 0;
                    c.Tier = Tiers[tierAfter];
                    c.Orders++;
                    c.FirstPurchaseAt = c.FirstPurchaseAt is { } f && f <= at ? f : at;
                    c.LastPurchaseAt = c.LastPurchaseAt is { } l && l >= at ? l : at;
                    c.PurchaseDays.Add(DateOnly.FromDateTime(at.UtcDateTime));
                    c.LastSeenAt = Max(c.LastSeenAt, at);
                    foreach (var item in root.GetProperty("items").EnumerateArray())
                    {
                        c.Purchased.Add(item.GetProperty("sku").GetString()!);
                    }

                    break;
                case "click":
                    var action = root.GetProperty("action").GetString()!;
                    c.Clicks[action] = c.Clicks.GetValueOrDefault(action) + 1;
                    c.Sessions.Add(root.GetProperty("sessionId").GetString()!);
                    c.LastSeenAt = Max(c.LastSeenAt, at);
                    if (action is "add_to_cart" or "remove_from_cart")
                    {
                        var sku = root.GetProperty("sku").GetString()!;
                        var quantity = root.TryGetProperty("quantity", out var q) ? q.GetInt32() : (action == "add_to_cart" ? 1 : int.MaxValue);
                        var now = c.CartBeforePurchases.GetValueOrDefault(sku) + (action == "add_to_cart" ? quantity : -quantity);
                        if (now > 0)
                        {
                            c.CartBeforePurchases[sku] = now;
                        }
                        else
                        {
                            c.CartBeforePurchases.Remove(sku);
                        }
                    }

                    break;
                case "customer":
                    c.FirstName = root.TryGetProperty("firstName", out var n) ? n.GetString() : c.FirstName;
                    c.Phone = root.TryGetProperty("phone", out var p) ? p.GetString() : c.Phone;
                    c.TimeZone = root.TryGetProperty("timeZone", out var z) ? z.GetString() : c.TimeZone;
                    c.ConsentStatus = root.TryGetProperty("smsConsent", out var s) ? s.GetProperty("status").GetString() : c.ConsentStatus;
                    break;
            }
        }

        return customers;
    }

    private static readonly string[] Tiers = ["Bronze", "Silver", "Gold", "Platinum"];
    private static readonly decimal[] Thresholds = [0m, 500m, 1000m, 5000m];
    private static readonly decimal[] Multipliers = [1m, 1.25m, 1.5m, 2m];

    private static int TierIndex(decimal spend) => Array.FindLastIndex(Thresholds, t => spend >= t);

    private static DateTimeOffset Max(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x >= b ? x : b;
}

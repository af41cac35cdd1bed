using System.Security.Cryptography;
using System.Text;
using Engine.Silo.Demo;

namespace Engine.Silo.Tests.Demo;

/// <summary>
/// The stress stream must stay byte for byte what it was: integration tests and the
/// benchmark's earlier results compute or assume its exact events. The hashes were taken on
/// the simulation before the realistic profile was added.
/// </summary>
[Trait("Category", "Unit")]
public sealed class StressStreamTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(500, 11, "ing-", 20_000, "66C6BD81078977F5597D03771F328F018A5CC117AD9695B187013C75BDD3B7EA")]
    [InlineData(100_000, 11, "bench-", 150_000, "3430204EC2880C190CA4C63BBFCB15210FCFB9BD02CC9D6A14BC649157B8D338")]
    [InlineData(4, 5, "e2e-", 400, "F32FE922E25AFA0B37DD251AD6856125A5DD291196734FD7765B5EFB58389009")]
    public void The_stress_stream_is_unchanged(int customers, int seed, string prefix, int events, string expectedHash)
    {
        var simulation = new ShopperSimulation(customers, seed, Start, prefix);

        Assert.Equal(expectedHash, Hash(simulation.Take(events)));
    }

    [Fact]
    public void The_live_demo_stream_is_unchanged()
    {
        var now = Start;
        var simulation = new ShopperSimulation(25, 7, Start, "demo-", () => now = now.AddSeconds(1));

        Assert.Equal("19C617AFAC218F7E03AC4E3E14ADE640EA755041E15E802D3CD00C1B58A56F0F", Hash(simulation.Take(2_000)));
    }

    [Fact]
    public void Two_streams_over_the_same_customers_share_no_event_or_order_id()
    {
        // The benchmark feeds a realistic and a stress stream to the same customers: a shared
        // order id would be refused as duplicate-order, a shared event id skipped.
        var realistic = new ShopperSimulation(50, 11, Start, "both-", profile: ShopperProfile.Realistic).Take(5_000).ToList();
        var stress = new ShopperSimulation(50, 11, Start, "both-", profile: ShopperProfile.Stress, eventIdPrefix: "stress-").Take(5_000).ToList();

        var realisticIds = Ids(realistic);
        var stressIds = Ids(stress);

        Assert.Contains(stressIds, id => id.StartsWith("order:", StringComparison.Ordinal));
        Assert.Empty(realisticIds.Intersect(stressIds));
    }

    private static HashSet<string> Ids(IEnumerable<SimulatedEvent> events)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            using var json = System.Text.Json.JsonDocument.Parse(e.Json);
            ids.Add("event:" + json.RootElement.GetProperty("eventId").GetString());
            if (json.RootElement.TryGetProperty("orderId", out var order))
            {
                ids.Add("order:" + order.GetString());
            }
        }

        return ids;
    }

    private static string Hash(IEnumerable<SimulatedEvent> events)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var e in events)
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{e.Type}\n{e.CustomerId}\n"));
            sha.AppendData(e.Json);
            sha.AppendData("\n"u8);
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }
}

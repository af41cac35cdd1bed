using System.Globalization;
using System.Text.Json;
using Engine.Integration.Tests.Processes;

namespace Engine.Integration.Tests;

/// <summary>
/// The fleet questions as an operator asks them: <c>engine-admin tiers</c>, <c>segments</c>,
/// <c>customers top|count</c>, <c>customer find</c> and <c>projection rebuild</c> against a
/// silo process (the embedded default, whose projection is in memory), each as a table and as
/// JSON, and each bad argument refused with a message and exit code 2.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ProjectionCommandsEndToEndTests
{
    private const string Phone = "+33612345678";

    [Fact]
    public async Task Each_fleet_command_answers_from_the_projection_as_a_table_and_as_json()
    {
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string>
        {
            // Every batch written at once, so the projection follows each event within a moment.
            ["WriteBehind__MaxUnsavedAge"] = "00:00:00",
            ["Projection__GaugeInterval"] = "00:00:01",
        });
        await ProduceAsync(silo);
        await Eventually.Until(
            () => FindOrdersAsync(silo),
            orders => orders == 5,
            TimeSpan.FromMinutes(1), "the five purchases to reach the projection");

        var tiers = await JsonAsync(silo, "tiers", "--json");
        Assert.Equal(3, tiers.GetProperty("customers").GetInt64());
        Assert.Equal(
            [("bronze", 1L), ("gold", 1L), ("silver", 1L)],
            tiers.GetProperty("tiers").EnumerateArray().Select(t => (t.GetProperty("tier").GetString(), t.GetProperty("customers").GetInt64())).Order());
        Assert.Contains("customers per tier", await TableAsync(silo, "tiers"), StringComparison.Ordinal);

        var segments = await JsonAsync(silo, "segments", "--json");
        var fresh = segments.EnumerateArray().Single(s => s.GetProperty("segment").GetString() == "new");
        Assert.Equal(3, fresh.GetProperty("customers").GetInt64());
        Assert.Equal("days_since_first_purchase <= 30", fresh.GetProperty("definition").GetString());
        Assert.Contains("days_since_first_purchase <= 30", await TableAsync(silo, "segments"), StringComparison.Ordinal);

        var top = await JsonAsync(silo, "customers", "top", "--by", "spend", "--limit", "2", "--json");
        Assert.Equal(
            [(1, "proj-gold", 1200m), (2, "proj-silver", 600m)],
            top.GetProperty("customers").EnumerateArray().Select(c => (c.GetProperty("rank").GetInt32(), c.GetProperty("customerId").GetString(), c.GetProperty("lifetimeSpend").GetDecimal())));
        var byPoints = await TableAsync(silo, "customers", "top", "--by", "points");
        Assert.True(byPoints.IndexOf("proj-gold", StringComparison.Ordinal) < byPoints.IndexOf("proj-bronze", StringComparison.Ordinal), byPoints);

        var gold = await JsonAsync(silo, "customers", "count", "--tier", "Gold", "--json");
        Assert.Equal(1, gold.GetProperty("customers").GetInt64());
        var optedIn = await JsonAsync(silo, "customers", "count", "--segment", "new", "--consent", "opted_in", "--json");
        Assert.Equal(1, optedIn.GetProperty("customers").GetInt64());
        Assert.Contains("customers with tier gold", await TableAsync(silo, "customers", "count", "--tier", "gold"), StringComparison.Ordinal);

        // Written another way, the number is the same number: the silo normalises and keys it.
        var found = await JsonAsync(silo, "customer", "find", "--phone", "+33 6 12 34 56 78", "--json");
        Assert.Equal(["proj-bronze"], found.EnumerateArray().Select(c => c.GetProperty("customerId").GetString()));
        Assert.Equal("opted_in", found[0].GetProperty("consent").GetString());
        Assert.DoesNotContain("612345678", found.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("proj-gold", await TableAsync(silo, "customer", "find", "--id", "proj-gold"), StringComparison.Ordinal);

        var rebuilt = await JsonAsync(silo, "projection", "rebuild", "--json");
        Assert.Equal(3, rebuilt.GetProperty("done").GetInt64());
        Assert.Equal(JsonValueKind.Null, rebuilt.GetProperty("error").ValueKind);
        Assert.Equal(1200m, (await JsonAsync(silo, "customer", "find", "--id", "proj-gold", "--json"))[0].GetProperty("lifetimeSpend").GetDecimal());

        using var http = new HttpClient();
        await Eventually.Until(
            () => http.GetStringAsync(silo.BaseUrl + "/metrics"),
            metrics => metrics.Contains("engine_tier_customers{tier=\"gold\"} 1", StringComparison.Ordinal)
                && metrics.Contains("engine_segment_customers{segment=\"new\"} 3", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the gauges to count the projection");
    }

    [Theory]
    [InlineData("--by", new[] { "customers", "top", "--by", "fame" })]
    [InlineData("--limit", new[] { "customers", "top", "--by", "clv", "--limit", "0" })]
    [InlineData("--consent", new[] { "customers", "count", "--consent", "maybe" })]
    [InlineData("exactly one of --id and --phone", new[] { "customer", "find" })]
    [InlineData("exactly one of --id and --phone", new[] { "customer", "find", "--id", "a", "--phone", "+33612345678" })]
    public async Task A_bad_argument_is_refused_with_a_message_and_exit_code_2(string named, string[] arguments)
    {
        // Refused by the client before it dials anything: no silo needed.
        var run = await ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, .. arguments]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(named, run.Error + run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_number_that_is_not_one_is_a_usage_error_and_nobody_found_is_exit_code_4()
    {
        await using var silo = await SiloProcess.StartAsync();

        var notANumber = await RunAsync(silo, "customer", "find", "--phone", "12", "--json");
        Assert.Equal(2, notANumber.ExitCode);
        Assert.Contains("not a phone number", notANumber.Error, StringComparison.Ordinal);

        var nobody = await RunAsync(silo, "customer", "find", "--id", "nobody-here", "--json");
        Assert.Equal(4, nobody.ExitCode);
        Assert.Equal("[]", nobody.Output.Trim());
    }

    private static async Task ProduceAsync(SiloProcess silo)
    {
        var now = DateTimeOffset.UtcNow;
        string Purchase(string customer, int i, decimal amount) => string.Create(CultureInfo.InvariantCulture,
            $$"""{"type":"purchase","eventId":"{{customer}}-e{{i}}","customerId":"{{customer}}","occurredAt":"{{now.AddDays(-i - 1):yyyy-MM-ddTHH:mm:ssZ}}","orderId":"{{customer}}-o{{i}}","amount":{{amount}},"currency":"USD","items":[]}""");
        var at = now.AddDays(-3).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var profile = $$$"""{"type":"customer","eventId":"proj-bronze-p","customerId":"proj-bronze","occurredAt":"{{{at}}}","phone":"{{{Phone}}}","smsConsent":{"status":"opted_in","source":"test","at":"{{{at}}}"}}""";
        var events = Path.Combine(Path.GetTempPath(), $"projection-events-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(events,
        [
            Purchase("proj-gold", 1, 700m), Purchase("proj-gold", 2, 500m),
            Purchase("proj-silver", 1, 600m),
            profile, Purchase("proj-bronze", 1, 30m), Purchase("proj-bronze", 2, 20m),
        ]);
        try
        {
            var produced = await ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, "produce", events, "--gateway-port", Port(silo)]);
            Assert.True(produced.ExitCode == 0, $"engine-admin produce failed ({produced.ExitCode}): {produced.Error}");
        }
        finally
        {
            File.Delete(events);
        }
    }

    private static async Task<int> FindOrdersAsync(SiloProcess silo)
    {
        var orders = 0;
        foreach (var customer in new[] { "proj-gold", "proj-silver", "proj-bronze" })
        {
            var run = await RunAsync(silo, "customer", "find", "--id", customer, "--json");
            orders += run.ExitCode == 0 ? JsonDocument.Parse(run.Output).RootElement[0].GetProperty("orders").GetInt32() : 0;
        }

        return orders;
    }

    private static async Task<JsonElement> JsonAsync(SiloProcess silo, params string[] arguments)
    {
        var run = await RunAsync(silo, arguments);
        Assert.True(run.ExitCode == 0, $"engine-admin {string.Join(' ', arguments)} failed ({run.ExitCode}): {run.Error}");
        return JsonDocument.Parse(run.Output).RootElement.Clone();
    }

    private static async Task<string> TableAsync(SiloProcess silo, params string[] arguments)
    {
        var run = await RunAsync(silo, arguments);
        Assert.True(run.ExitCode == 0, $"engine-admin {string.Join(' ', arguments)} failed ({run.ExitCode}): {run.Error}");
        return run.Output;
    }

    private static Task<ToolRun.Result> RunAsync(SiloProcess silo, params string[] arguments) => EngineAdmin.RunAsync(silo.GatewayPort, arguments);

    private static string Port(SiloProcess silo) => silo.GatewayPort.ToString(CultureInfo.InvariantCulture);
}

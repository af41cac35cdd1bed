using System.Globalization;
using System.Text;
using System.Text.Json;
using Engine.Integration.Tests.Processes;

namespace Engine.Integration.Tests;

/// <summary>
/// The value model as an operator fits it: <c>engine-admin model fit</c> on the CDNOW sample
/// (read from ../shared, written to a temporary order-history CSV as a shop would export it)
/// publishes version 1 with the published parameters, <c>model show</c> lists it, the silo
/// loads it (its metric says which version it forecasts with), and <c>customer show</c> gives a
/// buying customer's P(alive), lifetime value and segments from it.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ValueModelEndToEndTests
{
    [Fact]
    public async Task A_fit_published_with_the_admin_client_is_loaded_by_the_silo()
    {
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string> { ["ValueModel:RefreshInterval"] = "00:00:01" });
        var csv = SampleAsOrderHistory();
        try
        {
            var fit = await AdminAsync(silo, "model", "fit", "--from", csv, "--calibration-end", "1997-09-30", "--json");

            var model = fit.GetProperty("model");
            Assert.Equal(1, model.GetProperty("version").GetInt32());
            Assert.Equal(2357, fit.GetProperty("customers").GetInt32());
            Assert.Equal(0.243, model.GetProperty("purchases").GetProperty("r").GetDouble(), 3);
            Assert.Equal(4.414, model.GetProperty("purchases").GetProperty("alpha").GetDouble(), 3);
            Assert.Equal(6.25, model.GetProperty("spend").GetProperty("p").GetDouble(), 2);
            Assert.True(fit.GetProperty("published").GetBoolean());

            var versions = await AdminAsync(silo, "model", "show", "--json");
            Assert.Equal([1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));

            using var http = new HttpClient();
            await Eventually.Until(
                () => http.GetStringAsync(silo.BaseUrl + "/metrics"),
                metrics => metrics.Contains("\nengine_value_model_version 1\n", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30), "the silo to forecast with version 1");

            // A customer who bought three times in the last month: forecast with version 1, in the "new" segment.
            var events = Path.Combine(Path.GetTempPath(), $"value-events-{Guid.NewGuid():N}.jsonl");
            var now = DateTimeOffset.UtcNow;
            await File.WriteAllLinesAsync(events, [.. new[] { 20, 9, 2 }.Select((daysAgo, i) => string.Create(CultureInfo.InvariantCulture,
                $$"""{"type":"purchase","eventId":"value-e2e-{{i}}","customerId":"value-e2e","occurredAt":"{{now.AddDays(-daysAgo):yyyy-MM-ddTHH:mm:ssZ}}","orderId":"vo-{{i}}","amount":40.00,"currency":"USD","items":[]}"""))]);
            try
            {
                var produced = await ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, "produce", events, "--gateway-port", silo.GatewayPort.ToString(CultureInfo.InvariantCulture)]);
                Assert.True(produced.ExitCode == 0, $"engine-admin produce failed ({produced.ExitCode}): {produced.Error}");
            }
            finally
            {
                File.Delete(events);
            }

            var customer = await Eventually.Until(
                () => AdminAsync(silo, "customer", "show", "value-e2e", "--json"),
                json => json.GetProperty("value").GetProperty("orders").GetInt32() == 3,
                TimeSpan.FromSeconds(30), "the purchases to be applied");
            var forecast = customer.GetProperty("forecast");
            Assert.Equal(1, forecast.GetProperty("modelVersion").GetInt32());
            Assert.InRange(forecast.GetProperty("probabilityAlive").GetDouble(), 0.5, 1.0);
            Assert.True(forecast.GetProperty("predictedLifetimeValue").GetDecimal() > 0);
            Assert.Contains("new", customer.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("segment").GetString()));
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public async Task A_fit_of_a_file_that_does_not_read_fails_with_the_line_and_publishes_nothing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-history-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, "customer,order,time,amount,currency\nc1,o1,yesterday,10,USD\n");
        try
        {
            var run = await ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, "model", "fit", "--from", path, "--calibration-end", "1997-09-30", "--dry-run"]);

            Assert.Equal(2, run.ExitCode);
            Assert.Contains("line 2", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Task<JsonElement> AdminAsync(SiloProcess silo, params string[] arguments) => EngineAdmin.JsonAsync(silo.GatewayPort, arguments);

    /// <summary>CDNOW_sample.txt (master id, sample id, yyyymmdd, CDs, value) as customer, order, time, amount, currency.</summary>
    private static string SampleAsOrderHistory()
    {
        var sample = Path.GetFullPath(Path.Combine(RepositoryLayout.Root, "..", "shared", "data", "cdnow", "CDNOW_sample.txt"));
        var text = new StringBuilder("customer,order,time,amount,currency\n");
        var line = 0;
        foreach (var fields in File.ReadLines(sample).Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length == 5))
        {
            var day = DateOnly.ParseExact(fields[2], "yyyyMMdd", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{fields[1]},{fields[1]}-{++line},{day:yyyy-MM-dd}T12:00:00Z,{fields[4]},USD\n");
        }

        var path = Path.Combine(Path.GetTempPath(), $"cdnow-sample-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }
}

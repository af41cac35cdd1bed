using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Integration.Tests.Processes;

namespace Engine.Integration.Tests;

/// <summary>
/// An operator's round trip through the dead-letter topic with the admin client against a
/// running silo: list what was refused and why, look at one, fix it, replay it, see it applied.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class DeadLetterCommandTests
{
    // engine-admin's documented exit codes (README, "Admin client").
    private const int Failed = 1;
    private const int Usage = 2;

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task An_operator_lists_inspects_fixes_and_replays_a_refused_purchase()
    {
        await using var silo = await SiloProcess.StartAsync();
        var bootstrap = await silo.BootstrapServersAsync();
        var customer = "dlq-" + Guid.NewGuid().ToString("N")[..8];
        var broken = $$"""{"type":"purchase","eventId":"{{customer}}-1","customerId":"{{customer}}","occurredAt":"2026-11-23T10:26:12Z","orderId":"{{customer}}-o1","amount":-12.5,"currency":"USD","items":[]}""";
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrap }).Build())
        {
            await producer.ProduceAsync(DefaultTopics.Purchases, new Message<string, byte[]> { Key = customer, Value = Encoding.UTF8.GetBytes(broken) });
            // Not JSON at all, and sent as history: the producer's header must come back with it.
            await producer.ProduceAsync(DefaultTopics.Clicks, new Message<string, byte[]>
            {
                Key = customer,
                Value = "{not json"u8.ToArray(),
                Headers = [new Header(EventHeaders.Mode, Encoding.UTF8.GetBytes(EventHeaders.BackfillMode))],
            });
        }

        var list = await Eventually.Until(() => AdminJsonAsync(silo, "dlq", "list", "--json"), l => l.GetProperty("total").GetInt32() == 2, Patience, "both refusals in the dead-letter topic");
        var letters = list.GetProperty("shown").EnumerateArray().ToList();
        var purchase = letters.Single(l => l.GetProperty("sourceTopic").GetString() == DefaultTopics.Purchases);
        var click = letters.Single(l => l.GetProperty("sourceTopic").GetString() == DefaultTopics.Clicks);
        Assert.Equal("invalid-json", click.GetProperty("reason").GetString());
        Assert.NotEqual("invalid-json", purchase.GetProperty("reason").GetString());
        Assert.Equal(customer, purchase.GetProperty("key").GetString());
        Assert.Equal(1, list.GetProperty("byReason").GetProperty("invalid-json").GetInt32());

        var filtered = await AdminJsonAsync(silo, "dlq", "list", "--reason", "invalid-json", "--json");
        Assert.Equal(1, filtered.GetProperty("total").GetInt32());

        var clickShown = await AdminJsonAsync(silo, "dlq", "show", click.GetProperty("position").GetString()!, "--json");
        Assert.Equal("{not json", clickShown.GetProperty("value").GetString());
        Assert.Equal(EventHeaders.BackfillMode, clickShown.GetProperty("headers").GetProperty(EventHeaders.Mode).GetString());
        var position = purchase.GetProperty("position").GetString()!;
        var value = await AdminAsync(silo, "dlq", "show", position, "--value");
        Assert.Equal(0, value.ExitCode);
        Assert.Equal(broken, value.Output.Trim());
        var table = await AdminAsync(silo, "dlq", "list");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains(position, table.Output);

        // The fix: the amount the till meant.
        var fixedFile = Path.Combine(Path.GetTempPath(), $"{customer}.json");
        await File.WriteAllTextAsync(fixedFile, broken.Replace("-12.5", "12.5", StringComparison.Ordinal));
        var dryRun = await AdminAsync(silo, "dlq", "replay", position, "--value-file", fixedFile, "--dry-run");
        Assert.Equal(0, dryRun.ExitCode);
        Assert.Contains("would replay 1 dead letters", dryRun.Output);
        var replay = await AdminAsync(silo, "dlq", "replay", position, "--value-file", fixedFile);
        Assert.True(replay.ExitCode == 0, replay.Output + replay.Error);
        Assert.Contains($"sent {position}", replay.Output);

        var shown = await Eventually.Until(
            () => AdminJsonAsync(silo, "customer", "show", customer, "--json"),
            c => c.GetProperty("value").GetProperty("orders").GetInt32() == 1,
            Patience,
            "the fixed purchase to be applied");
        Assert.Equal(12.5m, shown.GetProperty("value").GetProperty("lifetimeSpend").GetDecimal());
        // Nothing new was refused: the replay went through.
        Assert.Equal(2, (await AdminJsonAsync(silo, "dlq", "list", "--json")).GetProperty("total").GetInt32());
        File.Delete(fixedFile);
    }

    [Fact]
    public async Task Bad_dlq_arguments_get_a_clear_message_and_a_non_zero_exit_code()
    {
        await using var silo = await SiloProcess.StartAsync();
        (string[] Arguments, int ExitCode, string Message)[] cases =
        [
            (["show", "nonsense"], Usage, "partition:offset"),
            (["show", "0:999999"], Failed, "has no dead letter at 0:999999"),
            (["replay"], Usage, "give dead letters"),
            (["replay", "0:1", "0:2", "--value-file", "fixed.json"], Usage, "give exactly one"),
            (["list", "--limit", "0"], Usage, "--limit must be at least 1"),
        ];
        foreach (var (arguments, exitCode, message) in cases)
        {
            var run = await AdminAsync(silo, ["dlq", .. arguments]);

            Assert.True(exitCode == run.ExitCode, $"dlq {string.Join(' ', arguments)}: exit {run.ExitCode}, expected {exitCode}");
            Assert.Contains(message, run.Output + run.Error, StringComparison.Ordinal);
        }
    }

    private static Task<ToolRun.Result> AdminAsync(SiloProcess silo, params string[] arguments) => EngineAdmin.RunAsync(silo.GatewayPort, arguments);

    private static Task<JsonElement> AdminJsonAsync(SiloProcess silo, params string[] arguments) => EngineAdmin.JsonAsync(silo.GatewayPort, arguments);
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Grains;
using Engine.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Integration.Tests;

/// <summary>
/// A shop's history loaded with <c>engine-admin import</c> through Kafka: the CDNOW
/// transaction log (23,570 customers, 69,659 orders, 1997–1998) converted to the importer's
/// CSV, every customer reachable by SMS. Nobody is texted, every tier change is published
/// marked historical, every customer's orders and spend are the file's, a second run applies
/// nothing, and live purchases afterwards take effect as usual.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BackfillImportTests(BackfillFixture engine) : IClassFixture<BackfillFixture>
{
    private const string CdnowLog = "/work/shared/data/cdnow/CDNOW_master.txt";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task The_cdnow_history_imported_as_backfill_texts_nobody_and_live_purchases_afterwards_take_effect()
    {
        Assert.True(File.Exists(CdnowLog), $"the CDNOW log is expected at {CdnowLog}");
        var orders = CdnowOrders.Read(CdnowLog);
        var customers = orders.GroupBy(o => o.Customer).ToDictionary(g => g.Key, g => (Orders: g.Count(), Spend: g.Sum(o => o.Amount)));
        Assert.Equal(23_570, customers.Count);
        Assert.Equal(69_659, orders.Count);

        await ProduceProfilesAsync(customers.Keys);
        var csv = CdnowOrders.WriteCsv(orders);
        try
        {
            await ImportAsync(csv);
            await Eventually.Until(engine.CaughtUp, Patience, "the import to be read and committed");
            // Again: the same shop and orders give the same events, and nothing applies twice
            // (the backfill mark sits after each customer's newest order, so a first import that
            // missed one would show here too).
            await ImportAsync(csv);
            await Eventually.Until(engine.CaughtUp, Patience, "the second import to be read and committed");
            await AssertEveryCustomerAsync(customers);
        }
        finally
        {
            File.Delete(csv);
        }

        var statistics = engine.SiloServices.GetRequiredService<SmsStatistics>();
        await Eventually.Until(() => statistics.StaleReasons.GetValueOrDefault(("tier_upgrade", "historical")) > 0, Patience, "historical upgrade texts to be suppressed as stale");
        var history = await Eventually.Until(() => Task.FromResult(TierChangeRecords()), r => r.Count > 0, Patience, "tier changes to be published");
        Assert.Empty(BackfillFixture.SentSms());
        Assert.All(history, r => Assert.True(r.GetProperty("historical").GetBoolean(), $"unmarked tier change {r}"));

        // The same customers go live: a purchase now upgrades and texts as usual.
        var live = customers.Where(c => c.Value.Spend < 50m).Select(c => c.Key).Order(StringComparer.Ordinal).Take(3).ToList();
        await ProduceLivePurchasesAsync(live);
        var liveChanges = await Eventually.Until(
            () => Task.FromResult(TierChangeRecords().Where(r => !r.GetProperty("historical").GetBoolean()).ToList()),
            r => r.Count == live.Count, Patience, "the live upgrades to be published");
        Assert.Equal(live, liveChanges.Select(r => r.GetProperty("customerId").GetString()!).Order(StringComparer.Ordinal));
        await Eventually.Until(() => BackfillFixture.SentSms().Count == live.Count, Patience, "the live upgrades to be texted");
    }

    [Fact]
    public async Task An_old_purchase_sent_live_and_its_own_requalification_text_nothing_and_are_published_as_historical()
    {
        const string customer = "old-ana";
        using (var producer = engine.CreateProducer())
        {
            await producer.ProduceAsync(engine.Topics.Customers, new Message<string?, byte[]> { Key = customer, Value = Profile(customer, "+12029990001") });
            var at = DateTimeOffset.UtcNow.AddDays(-400).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            await producer.ProduceAsync(engine.Topics.Purchases, new Message<string?, byte[]> { Key = customer, Value = Purchase(customer, "old-ana-1", at, 600) });
        }

        // Upgraded at the old date, then (its re-qualification long failed) downgraded: both
        // decided, both texts attempted and suppressed.
        var view = await Eventually.Until(
            () => engine.Client.GetGrain<ICustomerGrain>(customer).GetViewAsync(),
            v => v.State.Outbox.Messages.Count(m => m.Kind == Engine.Domain.Effects.OutboxKind.TierChange && !m.IsOpen) == 2
                && v.State.Outbox.Messages.Where(m => m.Kind == Engine.Domain.Effects.OutboxKind.Sms).All(m => !m.IsOpen),
            Patience, "both tier changes published and their texts settled");

        Assert.Equal("Bronze", view.State.Loyalty.Tier);
        var texts = view.State.Outbox.Messages.Where(m => m.Kind == Engine.Domain.Effects.OutboxKind.Sms).ToList();
        Assert.Equal(2, texts.Count);
        Assert.All(texts, m => Assert.Equal((Engine.Domain.Effects.OutboxStatus.Suppressed, "stale: historical"), (m.Status, m.Detail)));
        var records = TierChangeRecords().Where(r => r.GetProperty("customerId").GetString() == customer).ToList();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.True(r.GetProperty("historical").GetBoolean()));
        Assert.DoesNotContain(BackfillFixture.SentSms(), line => line.Contains(customer, StringComparison.Ordinal));
    }

    private static byte[] Profile(string customer, string phone) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["type"] = "customer",
        ["eventId"] = $"profile-{customer}",
        ["customerId"] = customer,
        ["occurredAt"] = "1996-12-01T00:00:00Z",
        ["firstName"] = "Ana",
        ["phone"] = phone,
        ["timeZone"] = "UTC",
        ["smsConsent"] = new Dictionary<string, string> { ["status"] = "opted_in", ["source"] = "test", ["at"] = "1996-12-01T00:00:00Z" },
    });

    private static byte[] Purchase(string customer, string order, string at, decimal amount) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["type"] = "purchase",
        ["eventId"] = $"evt-{order}",
        ["customerId"] = customer,
        ["occurredAt"] = at,
        ["orderId"] = order,
        ["amount"] = amount,
        ["currency"] = "USD",
        ["items"] = Array.Empty<object>(),
    });

    private async Task ImportAsync(string csv)
    {
        var run = await ToolRun.RunAsync(
            "dotnet",
            [RepositoryLayout.ClientAssembly, "import", csv, "--shop", "cdnow", "--bootstrap", engine.Broker.BootstrapServers, "--purchases-topic", engine.Topics.Purchases],
            timeout: TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, $"engine-admin import failed ({run.ExitCode}): {run.Output}{run.Error}");
        Assert.Contains("produced 69659 events", run.Output, StringComparison.Ordinal);
    }

    private async Task ProduceProfilesAsync(IEnumerable<string> customers)
    {
        using var producer = engine.CreateProducer();
        foreach (var customer in customers)
        {
            var number = int.Parse(customer.AsSpan(3), CultureInfo.InvariantCulture);
            var profile = Profile(customer, string.Create(CultureInfo.InvariantCulture, $"+1202{number:D7}"));
            Produce(producer, engine.Topics.Customers, customer, profile);
        }

        producer.Flush(Patience);
    }

    private async Task ProduceLivePurchasesAsync(IEnumerable<string> customers)
    {
        using var producer = engine.CreateProducer();
        foreach (var customer in customers)
        {
            var purchase = Purchase(customer, $"live-{customer}", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), 600);
            await producer.ProduceAsync(engine.Topics.Purchases, new Message<string?, byte[]> { Key = customer, Value = purchase });
        }
    }

    private static void Produce(IProducer<string?, byte[]> producer, string topic, string key, byte[] value)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, new Message<string?, byte[]> { Key = key, Value = value });
                return;
            }
            catch (ProduceException<string?, byte[]> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    private async Task AssertEveryCustomerAsync(Dictionary<string, (int Orders, decimal Spend)> customers)
    {
        var wrong = new List<string>();
        foreach (var chunk in customers.Chunk(500))
        {
            var views = await Task.WhenAll(chunk.Select(c => engine.Client.GetGrain<ICustomerGrain>(c.Key).GetViewAsync()));
            for (var i = 0; i < chunk.Length; i++)
            {
                var (id, expected) = chunk[i];
                if (views[i].State.Value.Orders != expected.Orders || views[i].State.Value.LifetimeSpend != expected.Spend)
                {
                    wrong.Add($"{id}: {views[i].State.Value.Orders} orders / {views[i].State.Value.LifetimeSpend}, file {expected.Orders} / {expected.Spend}");
                }
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} customers differ from the file, e.g. {string.Join("; ", wrong.Take(5))}");
    }

    private List<JsonElement> TierChangeRecords()
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = engine.Broker.BootstrapServers,
            GroupId = "tier-reader-" + Guid.NewGuid().ToString("N")[..8],
            EnableAutoCommit = false,
        }).Build();
        var records = new List<JsonElement>();
        for (var p = 0; p < BackfillFixture.Partitions; p++)
        {
            var partition = new TopicPartition(engine.Topics.TierChanges, p);
            var end = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value;
            if (end == 0)
            {
                continue;
            }

            consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
            while (consumer.Consume(TimeSpan.FromSeconds(10)) is { } result)
            {
                using var document = JsonDocument.Parse(result.Message.Value);
                records.Add(document.RootElement.Clone());
                if (result.Offset.Value >= end - 1)
                {
                    break;
                }
            }
        }

        return records;
    }
}

/// <summary>The CDNOW log (customer id, yyyymmdd, CDs, dollars; whitespace-separated) as orders for the importer.</summary>
internal static class CdnowOrders
{
    public sealed record Order(string Customer, string Id, string Date, decimal Amount);

    public static List<Order> Read(string path)
    {
        var orders = new List<Order>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || !char.IsAsciiDigit(fields[0][0]))
            {
                continue;
            }

            // The log has no order ids: the line number is one, stable across runs.
            orders.Add(new Order("cd-" + fields[0], "L" + line.ToString(CultureInfo.InvariantCulture), fields[1], decimal.Parse(fields[3], CultureInfo.InvariantCulture)));
        }

        return orders;
    }

    public static string WriteCsv(IEnumerable<Order> orders)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cdnow-{Guid.NewGuid():N}.csv");
        var text = new StringBuilder("customer,order,time,amount,currency\n");
        foreach (var order in orders)
        {
            text.Append(CultureInfo.InvariantCulture, $"{order.Customer},{order.Id},{order.Date},{order.Amount},USD\n");
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }
}

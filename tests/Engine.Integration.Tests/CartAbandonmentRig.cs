using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Silo.Kafka;
using Engine.Testing.Hosting;
using Engine.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Engine.Integration.Tests;

/// <summary>
/// The cart trigger's setting: a throwaway PostgreSQL and a broker in the test process (so
/// both outlive a silo), and the silo in this process built as Program.cs builds it, on
/// PostgreSQL storage and reminders, the file gateway, and cart delays of seconds so the
/// tests wait on conditions, not on an hour. Events go in through Kafka.
/// </summary>
internal sealed class CartAbandonmentRig : IAsyncDisposable
{
    public const int Partitions = 8;

    /// <summary>The reminder's delay: long enough for a burst of events to be applied before it, short enough to wait for.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(12);

    private readonly PostgresServer _postgres;
    private readonly EmbeddedKafkaBroker _broker;
    private readonly Dictionary<string, string?> _settings;
    private readonly IProducer<string, byte[]> _producer;

    private CartAbandonmentRig(PostgresServer postgres, EmbeddedKafkaBroker broker, Dictionary<string, string?> settings)
    {
        _postgres = postgres;
        _broker = broker;
        _settings = settings;
        _producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All, EnableIdempotence = true, LingerMs = 5 }).Build();
    }

    public KafkaTopics Topics { get; } = new();

    public IHost Silo { get; private set; } = null!;

    public IGrainFactory Grains => Silo.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Where the file gateway writes every message it is given, one JSON line each.</summary>
    public string OutboxPath { get; } = Path.Combine(Path.GetTempPath(), $"cart-sms-{Guid.NewGuid():N}.jsonl");

    public static async Task<CartAbandonmentRig> StartAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var postgres = await PostgresServer.StartForTestsAsync();
        var database = await postgres.CreateDatabaseAsync();
        var broker = EmbeddedKafkaBroker.Start();
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = broker.BootstrapServers,
            ["Kafka:GroupId"] = "cart-" + Guid.NewGuid().ToString("N")[..8],
            ["Storage:Provider"] = "postgres",
            ["Sms:Numbers:Key"] = TestNumberKey.Value,
            ["Storage:ApplySchema"] = "true",
            ["Storage:ConnectionString"] = database.ConnectionString,
            ["Ingestion:CheckpointInterval"] = "00:00:01",
            ["WriteBehind:MaxUnsavedAge"] = "00:00:02",
            ["Sms:Gateway:Provider"] = "file",
            // Any hour of the day is fine, whenever the test runs.
            ["Sms:Policy:QuietHours:AllowedFrom"] = "00:00",
            ["Sms:Policy:QuietHours:AllowedUntil"] = "00:00",
            ["CartAbandonment:Delay"] = Delay.ToString("c", CultureInfo.InvariantCulture),
            ["CartAbandonment:CheckoutDelay"] = Delay.ToString("c", CultureInfo.InvariantCulture),
            ["CartAbandonment:Steps:0:Name"] = "reminder",
            ["CartAbandonment:Steps:0:Variants:0:Name"] = "a",
            ["CartAbandonment:Steps:0:Variants:1:Name"] = "b",
            ["CartAbandonment:Steps:0:Variants:1:Weight"] = "3",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var rig = new CartAbandonmentRig(postgres, broker, settings);
        settings["Sms:Gateway:File:Path"] = rig.OutboxPath;
        foreach (var topic in rig.Topics.Inbound.Concat(rig.Topics.Outbound))
        {
            broker.CreateTopic(topic, Partitions);
        }

        await rig.StartSiloAsync();
        return rig;
    }

    public async Task StartSiloAsync()
    {
        Silo = EngineSiloHost.Build(_settings, new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory },
            logging => logging.SetMinimumLevel(LogLevel.Warning));
        await Silo.StartAsync();
    }

    public async Task StopSiloAsync()
    {
        await Silo.StopAsync();
        Silo.Dispose();
    }

    public void Profile(string customerId, int number) => Produce(Topics.Customers, customerId,
        $$"""{"type":"customer","eventId":"{{customerId}}-profile","customerId":"{{customerId}}","occurredAt":"{{Stamp(DateTimeOffset.UtcNow.AddDays(-1))}}","firstName":"Ana","phone":"+1555{{number:D7}}","smsConsent":{"status":"opted_in","source":"checkout","at":"{{Stamp(DateTimeOffset.UtcNow.AddDays(-1))}}"} }""");

    public void AddToCart(string customerId, string sku, string name, int quantity, decimal price, DateTimeOffset at) => Produce(Topics.Clicks, customerId,
        $$"""{"type":"click","eventId":"{{customerId}}-add-{{sku}}","customerId":"{{customerId}}","occurredAt":"{{Stamp(at)}}","action":"add_to_cart","sessionId":"s-{{customerId}}","sku":"{{sku}}","productName":"{{name}}","quantity":{{quantity}},"unitPrice":{{Number(price)}} }""");

    public void RemoveFromCart(string customerId, string sku, DateTimeOffset at) => Produce(Topics.Clicks, customerId,
        $$"""{"type":"click","eventId":"{{customerId}}-remove-{{sku}}","customerId":"{{customerId}}","occurredAt":"{{Stamp(at)}}","action":"remove_from_cart","sessionId":"s-{{customerId}}","sku":"{{sku}}"}""");

    public void Purchase(string customerId, string orderId, IReadOnlyList<(string Sku, int Quantity, decimal Price)> lines, DateTimeOffset at)
    {
        var amount = lines.Sum(l => l.Quantity * l.Price);
        var items = string.Join(",", lines.Select(l => $$"""{"sku":"{{l.Sku}}","quantity":{{l.Quantity}},"unitPrice":{{Number(l.Price)}} }"""));
        Produce(Topics.Purchases, customerId,
            $$"""{"type":"purchase","eventId":"{{orderId}}","customerId":"{{customerId}}","occurredAt":"{{Stamp(at)}}","orderId":"{{orderId}}","amount":{{Number(amount)}},"currency":"USD","items":[{{items}}]}""");
    }

    public Task FlushAsync() => Task.Run(() => _producer.Flush(TimeSpan.FromSeconds(30)));

    public Task<CustomerView> ViewAsync(string customerId) => Grains.GetGrain<ICustomerGrain>(customerId).GetViewAsync();

    /// <summary>The customers' cart SMS, as their outboxes hold them.</summary>
    public async Task<List<(string CustomerId, OutboxMessage Message)>> CartSmsAsync(IEnumerable<string> customerIds)
    {
        var views = await Task.WhenAll(customerIds.Select(id => ViewAsync(id)));
        return [.. views.SelectMany(v => v.State.Outbox.Messages
            .Where(m => m.Kind == OutboxKind.Sms && m.Sms!.Trigger == "cart_abandoned")
            .Select(m => (v.State.CustomerId, m)))];
    }

    /// <summary>What the file gateway was given: message id and text.</summary>
    public List<(string MessageId, string Text)> Gateway()
    {
        if (!File.Exists(OutboxPath))
        {
            return [];
        }

        using var stream = new FileStream(OutboxPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<(string, string)>();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            using var json = JsonDocument.Parse(line);
            lines.Add((json.RootElement.GetProperty("messageId").GetString()!, json.RootElement.GetProperty("text").GetString()!));
        }

        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        _producer.Dispose();
        try
        {
            await StopSiloAsync();
        }
        catch (ObjectDisposedException)
        {
            // Already stopped by the test.
        }

        _broker.Dispose();
        await _postgres.DisposeAsync();
        File.Delete(OutboxPath);
    }

    private void Produce(string topic, string customerId, string json) =>
        _producer.Produce(topic, new Message<string, byte[]> { Key = customerId, Value = Encoding.UTF8.GetBytes(json) });

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}

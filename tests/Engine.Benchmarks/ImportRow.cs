using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Silo.Kafka;
using Engine.Silo.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Benchmarks;

/// <summary>
/// The benchmark row "import throughput": purchases into durable state (PostgreSQL), in one
/// run and on one silo, side by side: the CDNOW log as backfill, a synthetic history as
/// backfill, and as many live purchases of the same customers. Each phase is timed from its
/// first event produced to the commit of its last offset (commits trail durable state). Runs
/// alone: <c>dotnet run -c Release --project tests/Engine.Benchmarks -- import [--orders N]</c>.
/// </summary>
public static class ImportRow
{
    public const string Command = "import";

    private const string Usage = "import [--orders N=1000000 (the synthetic history; the issue's size is 10000000)] [--customers C=100000] [--live N (default: as --orders)] "
        + "[--cdnow PATH=/work/shared/data/cdnow/CDNOW_master.txt (none: skip)] [--max-ahead N=200000] [--partitions P=128] [--pg-fsync on|off (on)]";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public static async Task<int> RunAsync(string[] args)
    {
        ImportOptions options;
        try
        {
            options = ImportOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"{ex.Message}\n{Usage}");
            return 2;
        }

        var topics = new KafkaTopics();
        using var broker = EmbeddedKafkaBroker.Start();
        foreach (var topic in topics.Inbound.Concat(topics.Outbound))
        {
            broker.CreateTopic(topic, options.Partitions);
        }

        Console.Error.WriteLine($"Import row: starting PostgreSQL (fsync {(options.Fsync ? "on" : "off")}) and a silo...");
        await using var postgres = await BenchmarkDatabase.StartAsync(options.Fsync, null, statements: false);
        var groupId = "bench-import-" + Guid.NewGuid().ToString("N");
        var host = BenchmarkSilo.Build(broker.BootstrapServers, BenchmarkOptions.Parse([]), ingestion: true, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Kafka:GroupId"] = groupId,
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = postgres.ConnectionString,
            ["Storage:ApplySchema"] = "true",
            // Short, so a phase's end is seen within a second of its last durable write.
            ["Ingestion:CheckpointInterval"] = "00:00:01",
            ["Sms:Gateway:Provider"] = "file",
            ["Sms:Gateway:File:Path"] = Path.Combine(Path.GetTempPath(), $"engine-bench-import-sms-{Guid.NewGuid():N}.jsonl"),
        });
        await host.StartAsync();
        var metrics = host.Services.GetRequiredService<EngineMetrics>();
        var loyalty = host.Services.GetRequiredService<Engine.Grains.LoyaltyStatistics>();
        var sms = host.Services.GetRequiredService<Engine.Grains.SmsStatistics>();
        var results = new List<PhaseResult>();
        try
        {
            using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
            {
                BootstrapServers = broker.BootstrapServers,
                Acks = Acks.All,
                EnableIdempotence = true,
                LingerMs = 100,
            }).Build();
            var phase = new Phase(producer, topics.Purchases, broker.BootstrapServers, groupId, options, metrics);
            if (options.Cdnow is { } cdnow && File.Exists(cdnow))
            {
                results.Add(await phase.RunAsync("CDNOW log, backfill", Cdnow(cdnow), backfill: true));
            }

            var start = DateTimeOffset.UtcNow.AddYears(-2);
            results.Add(await phase.RunAsync($"synthetic history, backfill ({options.Orders:N0} orders, {options.Customers:N0} customers)",
                Synthetic(options.Orders, options.Customers, start, TimeSpan.FromDays(700), "h"), backfill: true));
            results.Add(await phase.RunAsync($"live purchases, same customers ({options.Live:N0})",
                Synthetic(options.Live, options.Customers, DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(1), "l"), backfill: false));
        }
        finally
        {
            await BenchmarkSilo.StopAsync(host);
        }

        Console.WriteLine($"Import throughput into durable state (PostgreSQL {postgres.Version}, {postgres.Settings}; one silo, {options.Partitions} partitions)");
        Console.WriteLine($"{"phase",-70} {"events",12} {"seconds",9} {"events/s",10}");
        foreach (var r in results)
        {
            Console.WriteLine($"{r.Name,-70} {r.Events,12:N0} {r.Seconds,9:F1} {r.Events / r.Seconds,10:N0}");
        }

        Console.WriteLine($"tier changes {loyalty.TierChanges.Values.Sum():N0}; SMS sent {sms.Outcomes.Where(o => o.Key.Outcome == "sent").Sum(o => o.Value):N0}; "
            + $"suppressed as stale {sms.StaleReasons.Values.Sum():N0} (historical {sms.StaleReasons.Where(s => s.Key.Reason == "historical").Sum(s => s.Value):N0})");
        return 0;
    }

    /// <summary>The CDNOW log's purchases (customer id, yyyymmdd, CDs, dollars), in the file's order (by customer, oldest first).</summary>
    private static IEnumerable<(string Customer, string Json)> Cdnow(string path)
    {
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            var f = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 4 || !char.IsAsciiDigit(f[0][0]))
            {
                continue;
            }

            var customer = "cd-" + f[0];
            var at = DateTimeOffset.ParseExact(f[1], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            yield return (customer, Purchase(customer, $"import:cdnow:L{line}", $"L{line}", at, f[3]));
        }
    }

    /// <summary>
    /// <paramref name="orders"/> purchases spread evenly over <paramref name="span"/>, customer
    /// by round robin, so every customer's orders come oldest first as an importer sends them.
    /// </summary>
    private static IEnumerable<(string Customer, string Json)> Synthetic(int orders, int customers, DateTimeOffset start, TimeSpan span, string prefix)
    {
        var step = span.Ticks / Math.Max(1, orders);
        for (var k = 0; k < orders; k++)
        {
            var customer = string.Create(CultureInfo.InvariantCulture, $"imp-{k % customers:D7}");
            var amount = (10 + (k * 7919 % 190)).ToString(CultureInfo.InvariantCulture);
            yield return (customer, Purchase(customer, $"import:synth:{prefix}{k}", $"{prefix}{k}", start.AddTicks(step * k), amount));
        }
    }

    private static string Purchase(string customer, string eventId, string order, DateTimeOffset at, string amount) =>
        string.Create(CultureInfo.InvariantCulture,
            $$"""{"type":"purchase","eventId":"{{eventId}}","customerId":"{{customer}}","occurredAt":"{{at:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}","orderId":"{{order}}","amount":{{amount}},"currency":"USD","items":[]}""");

    private sealed record PhaseResult(string Name, long Events, double Seconds);

    /// <summary>Produces one phase's events (at most max-ahead beyond what the engine has taken) and waits for their commit.</summary>
    private sealed class Phase(IProducer<string, byte[]> producer, string topic, string bootstrap, string groupId, ImportOptions options, EngineMetrics metrics)
    {
        private static readonly Headers Backfill = new() { { EventHeaders.Mode, Encoding.UTF8.GetBytes(EventHeaders.BackfillMode) } };
        private long _produced;

        private long Taken => (long)(metrics.EventsApplied.Value + metrics.EventsDuplicate.Value);

        public async Task<PhaseResult> RunAsync(string name, IEnumerable<(string Customer, string Json)> events, bool backfill)
        {
            Console.Error.WriteLine($"  {name}...");
            var started = Stopwatch.GetTimestamp();
            long count = 0;
            foreach (var (customer, json) in events)
            {
                while (_produced - Taken > options.MaxAhead)
                {
                    await Task.Delay(Poll);
                }

                var message = new Message<string, byte[]> { Key = customer, Value = Encoding.UTF8.GetBytes(json), Headers = backfill ? Backfill : null };
                while (true)
                {
                    try
                    {
                        producer.Produce(topic, message);
                        break;
                    }
                    catch (ProduceException<string, byte[]> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(Poll);
                    }
                }

                _produced++;
                count++;
            }

            producer.Flush(TimeSpan.FromMinutes(5));
            while (!Committed())
            {
                await Task.Delay(Poll);
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.Error.WriteLine($"  {name}: {count:N0} events in {seconds:F1} s");
            return new PhaseResult(name, count, seconds);
        }

        /// <summary>True when the group committed every partition of the topic up to its end: all durable.</summary>
        private bool Committed()
        {
            using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = groupId, EnableAutoCommit = false }).Build();
            var partitions = Enumerable.Range(0, options.Partitions).Select(p => new TopicPartition(topic, p)).ToList();
            var committed = consumer.Committed(partitions, TimeSpan.FromSeconds(10)).ToDictionary(c => c.TopicPartition, c => c.Offset.Value);
            return partitions.All(p =>
            {
                var end = consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value;
                return end == 0 || (committed.TryGetValue(p, out var done) && done >= end);
            });
        }
    }

    private sealed record ImportOptions(int Orders, int Customers, int Live, string? Cdnow, int MaxAhead, int Partitions, bool Fsync)
    {
        public static ImportOptions Parse(string[] args)
        {
            var o = new ImportOptions(1_000_000, 100_000, -1, "/work/shared/data/cdnow/CDNOW_master.txt", 200_000, 128, true);
            for (var i = 0; i < args.Length; i++)
            {
                var name = args[i];
                var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
                o = name switch
                {
                    "--orders" => o with { Orders = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--customers" => o with { Customers = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--live" => o with { Live = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--cdnow" => o with { Cdnow = value == "none" ? null : value },
                    "--max-ahead" => o with { MaxAhead = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--partitions" => o with { Partitions = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--pg-fsync" => o with { Fsync = value != "off" },
                    _ => throw new ArgumentException($"unknown option {name}"),
                };
            }

            if (o.Orders < 1 || o.Customers < 1 || o.MaxAhead < 1 || o.Partitions < 1)
            {
                throw new ArgumentException("--orders, --customers, --max-ahead and --partitions must be positive");
            }

            return o.Live < 0 ? o with { Live = o.Orders } : o;
        }
    }
}

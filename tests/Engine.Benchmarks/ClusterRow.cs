using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Engine.Silo.Demo;
using Engine.Silo.Kafka;
using Engine.Contracts;
using Engine.Testing;
using Engine.Testing.Kafka;

namespace Engine.Benchmarks;

/// <summary>
/// The benchmark row "cluster": the same stream through 1, 2 and 3 silo processes on
/// PostgreSQL membership sharing one consumer group: events a second, silo CPU per event and
/// the share of batches that crossed the network; then, with three silos, the time from a
/// SIGKILL until every partition is consumed again. Runs alone:
/// <c>dotnet run -c Release --project tests/Engine.Benchmarks -- cluster [--events N] [--customers C] [--partitions P]</c>.
/// </summary>
public static partial class ClusterRow
{
    public const string Command = "cluster";

    private const string Usage = "cluster [--events N=60000] [--customers C=3000] [--partitions P=12] [--silos 1,2,3]";

    public static async Task<int> RunAsync(string[] args)
    {
        var events = 60_000;
        var customers = 3_000;
        var partitions = 12;
        int[] silos = [1, 2, 3];
        try
        {
            for (var i = 0; i < args.Length; i += 2)
            {
                var value = args[i + 1];
                switch (args[i])
                {
                    case "--events": events = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--customers": customers = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--partitions": partitions = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--silos": silos = [.. value.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
                    default: throw new ArgumentException($"unknown option {args[i]}");
                }
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or IndexOutOfRangeException)
        {
            Console.Error.WriteLine($"{ex.Message}\n{Usage}");
            return 2;
        }

        using var broker = EmbeddedKafkaBroker.Start();
        await using var database = await BenchmarkDatabase.StartAsync(fsync: true, null, statements: false);
        Console.WriteLine($"Cluster row: {Environment.ProcessorCount} cores, load average {MachineInfo.ReadLoadAverage()} at the start, {partitions} partitions per topic, PostgreSQL fsync on");
        Console.WriteLine($"| silos | events | events/s | silo CPU µs/event | remote batches | recovery after SIGKILL |");
        Console.WriteLine($"|---|---|---|---|---|---|");
        foreach (var count in silos)
        {
            var run = new Run(broker, database.ConnectionString, partitions, count);
            var result = await run.MeasureAsync(events, customers, recover: count > 1);
            Console.WriteLine($"| {count} | {events:N0} | {result.EventsPerSecond:N0} | {result.CpuMicrosPerEvent:N0} | {result.RemoteShare:P1} | {(result.Recovery is { } r ? $"{r.TotalSeconds:F1} s" : "—")} |");
        }

        return 0;
    }

    private sealed record Result(double EventsPerSecond, double CpuMicrosPerEvent, double RemoteShare, TimeSpan? Recovery);

    /// <summary>One cluster of <c>count</c> silos with its own topics, group, cluster and service ids.</summary>
    private sealed class Run(EmbeddedKafkaBroker broker, string connectionString, int partitions, int count)
    {
        private readonly string _name = "bench" + Guid.NewGuid().ToString("N")[..8];
        private readonly KafkaTopics _topics = new();
        // Generous: on a busy machine a silo under load can take seconds to serve /metrics.
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

        public async Task<Result> MeasureAsync(int events, int customers, bool recover)
        {
            _topics.Purchases = _name + ".purchases";
            _topics.Clicks = _name + ".clicks";
            _topics.Customers = _name + ".customers";
            _topics.DeadLetter = _name + ".dead-letter";
            _topics.TierChanges = _name + ".tier-changes";
            foreach (var topic in _topics.Inbound.Concat(_topics.Outbound))
            {
                broker.CreateTopic(topic, partitions);
            }

            var silos = new List<ClusterSilo>();
            try
            {
                for (var i = 0; i < count; i++)
                {
                    silos.Add(await ClusterSilo.StartAsync(Settings(i), _http));
                }

                // Every silo holds its share before the stream starts, so the run measures sharing, not joining.
                await Until(async () => (await Task.WhenAll(silos.Select(s => s.AssignedAsync(_http)))).Sum() == _topics.Inbound.Count * partitions, TimeSpan.FromMinutes(2), "the group to assign every partition");

                var stream = new ShopperSimulation(customers, seed: 7, DateTimeOffset.UtcNow, customerPrefix: _name + "-", wallClock: () => DateTimeOffset.UtcNow).Take(events).ToList();
                var cpuBefore = silos.Sum(s => s.Cpu.TotalMilliseconds);
                var watch = Stopwatch.StartNew();
                Produce(stream);
                await Until(async () => await AppliedAsync(silos) >= events, TimeSpan.FromMinutes(20), $"{events} events applied");
                var elapsed = watch.Elapsed;
                var cpu = silos.Sum(s => s.Cpu.TotalMilliseconds) - cpuBefore;
                var local = await SumAsync(silos, "engine_ingestion_calls_total{placement=\"local\"}");
                var remote = await SumAsync(silos, "engine_ingestion_calls_total{placement=\"remote\"}");

                TimeSpan? recovery = null;
                if (recover)
                {
                    // Kill one silo, then send events to every partition: recovered when all are applied.
                    var victim = silos[^1];
                    victim.Kill();
                    silos.Remove(victim);
                    var killed = Stopwatch.StartNew();
                    var before = await AppliedAsync(silos);
                    var probe = new ShopperSimulation(customers, seed: 8, DateTimeOffset.UtcNow, customerPrefix: _name + "-probe-", wallClock: () => DateTimeOffset.UtcNow, eventIdPrefix: "probe-").Take(4_000).ToList();
                    Produce(probe);
                    await Until(async () => await AppliedAsync(silos) >= before + probe.Count, TimeSpan.FromMinutes(5), "the probe events on every partition to be applied");
                    recovery = killed.Elapsed;
                }

                return new Result(events / elapsed.TotalSeconds, cpu * 1000 / events, remote / Math.Max(1, local + remote), recovery);
            }
            finally
            {
                foreach (var silo in silos)
                {
                    await silo.StopAsync();
                }
            }
        }

        private Dictionary<string, string> Settings(int index) => new()
        {
            ["Kafka__BootstrapServers"] = broker.BootstrapServers,
            ["Kafka__GroupId"] = _name,
            ["Kafka__Topics__Purchases"] = _topics.Purchases,
            ["Kafka__Topics__Clicks"] = _topics.Clicks,
            ["Kafka__Topics__Customers"] = _topics.Customers,
            ["Kafka__Topics__DeadLetter"] = _topics.DeadLetter,
            ["Kafka__Topics__TierChanges"] = _topics.TierChanges,
            ["Kafka__Consumer__session.timeout.ms"] = "6000",
            ["Kafka__Consumer__heartbeat.interval.ms"] = "500",
            ["Storage__Provider"] = "postgres",
            ["Storage__Clustering"] = "postgres",
            ["Storage__ApplySchema"] = "true",
            ["Storage__ConnectionString"] = connectionString,
            ["Orleans__ClusterId"] = _name,
            ["Orleans__ServiceId"] = _name,
            ["Orleans__AdvertisedIPAddress"] = "127.0.0.1",
            ["Sms__Numbers__Key"] = Engine.Testing.TestNumberKey.Value,
            ["Sms__Gateway__Provider"] = "file",
            ["Sms__Gateway__File__Path"] = Path.Combine(Path.GetTempPath(), $"{_name}-{index}-sms.jsonl"),
        };

        private void Produce(List<SimulatedEvent> stream)
        {
            using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All, LingerMs = 5 }).Build();
            foreach (var e in stream)
            {
                producer.ProduceWaitingForRoom(_topics.TopicOf(e.Type), new Message<string, byte[]> { Key = e.CustomerId, Value = e.Json }, TimeSpan.FromMilliseconds(100));
            }

            producer.Flush(TimeSpan.FromMinutes(1));
        }

        private Task<double> AppliedAsync(IEnumerable<ClusterSilo> silos) => SumAsync(silos, "engine_events_applied_total");

        private async Task<double> SumAsync(IEnumerable<ClusterSilo> silos, string metric) =>
            (await Task.WhenAll(silos.Select(s => s.MetricAsync(_http, metric)))).Sum();
    }

    private static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds:F0} s for {what}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A silo process of the benchmark's cluster, on free ports.</summary>
    private sealed partial class ClusterSilo
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _output = new();

        private ClusterSilo(Dictionary<string, string> settings)
        {
            HttpPort = FreePorts.Next();
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryLayout.SiloDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(RepositoryLayout.SiloAssembly);
            start.Environment["Urls"] = $"http://127.0.0.1:{HttpPort}";
            start.Environment["Orleans__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
            start.Environment["Orleans__GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            foreach (var (key, value) in settings)
            {
                start.Environment[key] = value;
            }

            _process = new Process { StartInfo = start };
            _process.OutputDataReceived += (_, e) => Keep(e.Data);
            _process.ErrorDataReceived += (_, e) => Keep(e.Data);
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public int HttpPort { get; }

        public TimeSpan Cpu
        {
            get
            {
                _process.Refresh();
                return _process.TotalProcessorTime;
            }
        }

        public static async Task<ClusterSilo> StartAsync(Dictionary<string, string> settings, HttpClient http)
        {
            var silo = new ClusterSilo(settings);
            await Until(async () =>
            {
                if (silo._process.HasExited)
                {
                    throw new InvalidOperationException($"silo exited with {silo._process.ExitCode}:\n{string.Join('\n', silo._output)}");
                }

                try
                {
                    return (await http.GetAsync($"http://127.0.0.1:{silo.HttpPort}/health/ready")).IsSuccessStatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, TimeSpan.FromMinutes(2), "a silo to become ready");
            return silo;
        }

        /// <summary>Partitions this silo consumes: the lag series it serves.</summary>
        public async Task<int> AssignedAsync(HttpClient http) =>
            LagLine().Count(await http.GetStringAsync($"http://127.0.0.1:{HttpPort}/metrics"));

        public async Task<double> MetricAsync(HttpClient http, string name)
        {
            var text = await http.GetStringAsync($"http://127.0.0.1:{HttpPort}/metrics");
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
        }

        public void Kill() => _process.Kill(entireProcessTree: false);

        public async Task StopAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private void Keep(string? line)
        {
            if (line is not null)
            {
                _output.Enqueue(line);
                while (_output.Count > 200)
                {
                    _output.TryDequeue(out _);
                }
            }
        }

        [GeneratedRegex(@"^engine_consumer_lag_messages\{", RegexOptions.Multiline)]
        private static partial Regex LagLine();
    }
}

using System.Globalization;
using Confluent.Kafka;
using Engine.Silo.Demo;
using Engine.Silo.Kafka;

namespace Engine.Benchmarks.Producing;

/// <summary>
/// Row 4's simulated clients, run as a process of their own (<c>Engine.Benchmarks produce ...</c>)
/// so that the engine's process CPU is the engine's alone, as with real producers. Driven by
/// <see cref="SimulatedClientsProcess"/> over standard input and output, one command per line:
/// <list type="bullet">
/// <item>in: <c>backlog</c> (as fast as the engine takes them, at most --max-ahead events ahead),
/// <c>applied N</c> (what the engine has taken so far), <c>live RATE</c> (a fixed rate, each
/// delivery reported to the latency probe), <c>stress</c> (switch to the stress stream, as a
/// backlog), <c>pause</c>, <c>stop</c>;</item>
/// <item>out: <c>profiles N</c> once every customer's profile is delivered, <c>status PRODUCED
/// FAILED BEHIND</c> every 100 ms, <c>stopped</c> after the latency samples are written.</item>
/// </list>
/// </summary>
internal static class SimulatedClients
{
    public const string Command = "produce";

    public static int Run(string[] args)
    {
        var settings = SimulatedClientSettings.Parse(args);
        NativeKafka.EnsureLoaded();
        var topics = new KafkaTopics();
        var output = Console.Out;
        var write = new Lock();
        void Say(string line)
        {
            lock (write)
            {
                output.WriteLine(line);
                output.Flush();
            }
        }

        var realistic = Stream(settings, StreamKind.Realistic, settings.Seed);
        var stress = Stream(settings, StreamKind.Stress, settings.Seed);
        // Every customer's profile goes first, delivered before the engine starts measuring:
        // mixed with the rest, their one-off writes (phone claims) would land in the window.
        var profiles = new List<SimulatedEvent>(settings.Customers);
        while (profiles.Count < settings.Customers && realistic.MoveNext())
        {
            profiles.Add(realistic.Current);
        }

        // The stress stream has its own profile events for the same customers: skipped.
        for (var i = 0; i < settings.Customers && stress.MoveNext(); i++)
        {
        }

        EventCorpus.ProduceAll(settings.BootstrapServers, topics, profiles, settings.ProducerSettings);
        long produced = profiles.Count;
        Say($"profiles {profiles.Count.ToString(CultureInfo.InvariantCulture)}");

        var partitions = topics.Inbound.SelectMany(t => Enumerable.Range(0, settings.Partitions).Select(p => new TopicPartition(t, p))).ToList();
        using var probe = new DurableLatencyProbe(settings.BootstrapServers, settings.GroupId, partitions);
        long applied = 0;
        PacedProducer? current = null;
        long previous = 0, failed = 0, behind = 0;

        void Switch(PacedProducer? next)
        {
            if (current is not null)
            {
                current.Dispose();
                previous += current.Produced;
                failed += current.Failed;
                behind = Math.Max(behind, current.MostBehind);
            }

            current = next;
            current?.Start();
        }

        using var status = new Timer(_ => Say(string.Create(CultureInfo.InvariantCulture,
            $"status {produced + previous + (current?.Produced ?? 0)} {failed + (current?.Failed ?? 0)} {Math.Max(behind, current?.MostBehind ?? 0)}")),
            null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));

        // The engine reports what it has applied of everything produced, profiles included.
        long Ahead() => Interlocked.Read(ref applied) - produced - previous;
        string? line;
        while ((line = Console.In.ReadLine()) is not null)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words.FirstOrDefault())
            {
                case "applied":
                    Interlocked.Exchange(ref applied, long.Parse(words[1], CultureInfo.InvariantCulture));
                    break;
                case "backlog":
                    Switch(new PacedProducer(settings.BootstrapServers, topics, realistic, double.PositiveInfinity, probe: null, settings.ProducerSettings, Ahead, settings.MaxAhead));
                    break;
                case "live":
                    probe.Start();
                    Switch(new PacedProducer(settings.BootstrapServers, topics, realistic, double.Parse(words[1], CultureInfo.InvariantCulture), probe, settings.ProducerSettings));
                    break;
                case "pause":
                    Switch(null);
                    break;
                case "stress":
                    Switch(new PacedProducer(settings.BootstrapServers, topics, stress, double.PositiveInfinity, probe: null, settings.ProducerSettings, Ahead, settings.MaxAhead));
                    break;
                case "stop":
                    Switch(null);
                    status.Change(Timeout.Infinite, Timeout.Infinite);
                    probe.Save(settings.SamplesPath);
                    Say(string.Create(CultureInfo.InvariantCulture, $"status {produced + previous} {failed} {behind}"));
                    Say("stopped");
                    return 0;
                default:
                    Console.Error.WriteLine($"simulated clients: unknown command '{line}'");
                    return 2;
            }
        }

        // The benchmark went away without saying stop.
        Switch(null);
        return 1;
    }

    private static IEnumerator<SimulatedEvent> Stream(SimulatedClientSettings settings, StreamKind kind, int seed) =>
        new ShopperSimulation(settings.Customers, seed, EventCorpus.SimulationStart, settings.CustomerPrefix,
            eventIdPrefix: kind == StreamKind.Stress ? "stress-" : "evt-").Take(int.MaxValue).GetEnumerator();

    private enum StreamKind
    {
        Realistic,
        Stress,
    }
}

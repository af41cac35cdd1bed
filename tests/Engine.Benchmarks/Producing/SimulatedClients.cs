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
/// <item>out: <c>opening N</c> once every customer's profile and purchase history is delivered, <c>status PRODUCED
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

        // The realistic stream opens with every customer's profile and year of purchase history,
        // delivered before the engine starts measuring.
        var realisticSimulation = new ShopperSimulation(settings.Customers, settings.Seed, EventCorpus.StartOf(ShopperProfile.Realistic), settings.CustomerPrefix,
            profile: ShopperProfile.Realistic);
        var opening = realisticSimulation.OpeningEvents;
        using var realistic = realisticSimulation.Take(int.MaxValue).GetEnumerator();
        var openingEvents = new List<SimulatedEvent>(opening);
        while (openingEvents.Count < opening && realistic.MoveNext())
        {
            openingEvents.Add(realistic.Current);
        }

        // The stress stream's own profiles of the same customers are skipped; its event ids are
        // its own, so no event of one stream is taken for a retry of the other.
        var stressSimulation = new ShopperSimulation(settings.Customers, settings.Seed, EventCorpus.StartOf(ShopperProfile.Stress), settings.CustomerPrefix,
            profile: ShopperProfile.Stress, eventIdPrefix: "stress-");
        using var stress = stressSimulation.Take(int.MaxValue).Skip(stressSimulation.OpeningEvents).GetEnumerator();

        EventCorpus.ProduceAll(settings.BootstrapServers, topics, openingEvents, settings.ProducerSettings);
        long produced = openingEvents.Count;
        Say($"opening {openingEvents.Count.ToString(CultureInfo.InvariantCulture)}");

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
}

using System.Globalization;

namespace Engine.Benchmarks;

/// <summary>The command line; see <see cref="Usage"/>.</summary>
internal sealed record BenchmarkOptions(
    int Events,
    int Warmup,
    int Customers,
    int? Partitions,
    int Seed,
    TimeSpan Timeout,
    IReadOnlyDictionary<string, string> SiloSettings,
    IReadOnlyDictionary<string, string> ConsumerSettings,
    IReadOnlyDictionary<string, string> ProducerSettings,
    IReadOnlySet<int> Rows)
{
    public const string Usage =
        "dotnet run -c Release --project tests/Engine.Benchmarks -- [--events N=200000] [--customers C=5000] [--warmup W=300000 (0 for none)] " +
        "[--partitions P (default: enough for the mock broker's 5 MB per partition, at least 32)] [--seed S=11] " +
        "[--timeout SECONDS=300] [--rows 1,2,3] [--set Section:Key=Value ...  (silo configuration, e.g. --set Ingestion:MaxBatchEvents=8000)] " +
        "[--consumer librdkafka.key=value ...  (rows 1 and 2 alike)] [--producer librdkafka.key=value ...  (pre-produce)]";

    public static BenchmarkOptions Parse(string[] args)
    {
        var events = 200_000;
        var customers = 5_000;
        var warmup = 300_000;
        int? partitions = null;
        var seed = 11;
        var timeout = TimeSpan.FromSeconds(300);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var consumer = new Dictionary<string, string>(StringComparer.Ordinal);
        var producer = new Dictionary<string, string>(StringComparer.Ordinal);
        var rows = new HashSet<int> { 1, 2, 3 };
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value\n{Usage}");
            switch (name)
            {
                case "--events":
                    events = Positive(name, Value());
                    break;
                case "--warmup":
                    var text = Value();
                    warmup = text == "0" ? 0 : Positive(name, text);
                    break;
                case "--customers":
                    customers = Positive(name, Value());
                    break;
                case "--partitions":
                    partitions = Positive(name, Value());
                    break;
                case "--seed":
                    seed = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--timeout":
                    timeout = TimeSpan.FromSeconds(Positive(name, Value()));
                    break;
                case "--set":
                    Add(settings, name, Value());
                    break;
                case "--consumer":
                    Add(consumer, name, Value());
                    break;
                case "--producer":
                    Add(producer, name, Value());
                    break;
                case "--rows":
                    rows = [.. Value().Split(',').Select(r => Positive(name, r.Trim()))];
                    break;
                case "-h" or "--help":
                    throw new ArgumentException(Usage);
                default:
                    throw new ArgumentException($"unknown argument '{name}'\n{Usage}");
            }
        }

        // The engine's consumer gets the same librdkafka settings as row 1.
        foreach (var (key, value) in consumer)
        {
            settings.TryAdd("Kafka:Consumer:" + key, value);
        }

        return new BenchmarkOptions(events, warmup, customers, partitions, seed, timeout, settings, consumer, producer, rows);
    }

    private static void Add(Dictionary<string, string> target, string option, string pair)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException($"{option} expects Key=Value, got '{pair}'");
        }

        target[pair[..equals]] = pair[(equals + 1)..];
    }

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} must be a positive whole number, got '{text}'");
}

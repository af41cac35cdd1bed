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
    IReadOnlySet<int> Rows,
    TimeSpan Budget,
    Engine.Silo.Demo.ShopperProfile Stream,
    DurableOptions Durable)
{
    public const string Usage =
        "dotnet run -c Release --project tests/Engine.Benchmarks -- [--events N=200000] [--customers C=5000] [--warmup W=300000 (0 for none)] " +
        "[--partitions P (default: enough for the mock broker's 5 MB per partition, at least 32; row 4: 128)] [--seed S=11] " +
        "[--stream realistic|stress (rows 1-3; default realistic: a running shop's effects per event, docs/benchmarks.md)] [--timeout SECONDS=300 (rows 1-3, each)] [--budget MINUTES=15 (the whole run; row 4 reports what it measured when it runs out)] [--rows 1,2,3,4] [--set Section:Key=Value ...  (silo configuration, e.g. --set Ingestion:MaxBatchEvents=8000)] " +
        "[--consumer librdkafka.key=value ...  (rows 1 and 2 alike)] [--producer librdkafka.key=value ...  (pre-produce)]\n" +
        "Row 4, durable ingest on PostgreSQL (needs the PostgreSQL server programs; --rows 1,2,3 leaves it out): " +
        "[--durable-customers C=100000] [--durable-warmup W=150000] [--max-ahead N=100000] [--saturated-checkpoints K=12] " +
        "[--checkpoint SECONDS=10 (Ingestion:CheckpointInterval)] [--max-unsaved-age SECONDS=60 (WriteBehind:MaxUnsavedAge)] [--rate EVENTS_PER_S (live phase; default min(30000, 0.4 x the saturated rate))] " +
        "[--live-checkpoints K=9] [--cart-probes N=200] [--stress-checkpoints K=6] [--pg-fsync on|off (on)] [--pg-options \"Npgsql Key=Value;...\" (appended to the connection string)] [--pg-statements (diagnostic: pg_stat_statements)]";

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
        var rows = new HashSet<int> { 1, 2, 3, 4 };
        var budget = TimeSpan.FromMinutes(15);
        var stream = Engine.Silo.Demo.ShopperProfile.Realistic;
        var durable = new DurableOptions();
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
                case "--stream":
                    stream = Value() switch
                    {
                        "realistic" => Engine.Silo.Demo.ShopperProfile.Realistic,
                        "stress" => Engine.Silo.Demo.ShopperProfile.Stress,
                        var other => throw new ArgumentException($"--stream expects realistic or stress, got '{other}'"),
                    };
                    break;
                case "--budget":
                    budget = TimeSpan.FromMinutes(Positive(name, Value()));
                    break;
                case "--durable-customers":
                    durable = durable with { Customers = Positive(name, Value()) };
                    break;
                case "--max-ahead":
                    durable = durable with { MaxAhead = Positive(name, Value()) };
                    break;
                case "--saturated-checkpoints":
                    durable = durable with { SaturatedCheckpoints = Positive(name, Value()) };
                    break;
                case "--durable-warmup":
                    durable = durable with { Warmup = Positive(name, Value()) };
                    break;
                case "--checkpoint":
                    durable = durable with { CheckpointInterval = TimeSpan.FromSeconds(Positive(name, Value())) };
                    break;
                case "--max-unsaved-age":
                    durable = durable with { MaxUnsavedAge = TimeSpan.FromSeconds(Positive(name, Value())) };
                    break;
                case "--rate":
                    durable = durable with { Rate = Positive(name, Value()) };
                    break;
                case "--stress-checkpoints":
                    durable = durable with { StressCheckpoints = Positive(name, Value()) };
                    break;
                case "--live-checkpoints":
                    durable = durable with { LiveCheckpoints = Positive(name, Value()) };
                    break;
                case "--cart-probes":
                    durable = durable with { CartProbes = int.Parse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture) };
                    break;
                case "--pg-statements":
                    durable = durable with { Statements = true };
                    break;
                case "--pg-options":
                    durable = durable with { ConnectionOptions = Value() };
                    break;
                case "--pg-fsync":
                    durable = durable with
                    {
                        Fsync = Value() switch
                        {
                            "on" => true,
                            "off" => false,
                            var other => throw new ArgumentException($"--pg-fsync expects on or off, got '{other}'"),
                        },
                    };
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

        return new BenchmarkOptions(events, warmup, customers, partitions, seed, timeout, settings, consumer, producer, rows, budget, stream, durable);
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

/// <summary>Row 4: durable ingest on PostgreSQL.</summary>
internal sealed record DurableOptions
{
    /// <summary>Customers in the simulation (all of them active during the measurement).</summary>
    public int Customers { get; init; } = 100_000;

    /// <summary>Events applied before the saturated window may start (at the next checkpoint).</summary>
    public int Warmup { get; init; } = 150_000;

    /// <summary>Saturated phase: the producer stays at most this many events ahead of the engine.</summary>
    public int MaxAhead { get; init; } = 100_000;

    /// <summary>Checkpoints the saturated phase measures.</summary>
    public int SaturatedCheckpoints { get; init; } = 12;

    /// <summary>The silo's Ingestion:CheckpointInterval in this row.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The silo's WriteBehind:MaxUnsavedAge in this row (its default).</summary>
    public TimeSpan MaxUnsavedAge { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Events/s of the live phase; null: min(30,000, 0.8 × the backlog rate).</summary>
    public int? Rate { get; init; }

    /// <summary>Checkpoints the live phase measures, after the one that settles the backlog.</summary>
    public int LiveCheckpoints { get; init; } = 9;

    /// <summary>Fresh customers whose carts fall due in real time in the live window (CartProbe); 0: none.</summary>
    public int CartProbes { get; init; } = 200;

    /// <summary>Checkpoints the stress window measures, one unsaved age after the switch.</summary>
    public int StressCheckpoints { get; init; } = 6;

    /// <summary>PostgreSQL with fsync and synchronous commit on (production) or off.</summary>
    public bool Fsync { get; init; } = true;

    /// <summary>Load pg_stat_statements (planning tracked) and print the costliest statements of the saturated window.</summary>
    public bool Statements { get; init; }

    /// <summary>Npgsql settings appended to the connection string, e.g. "No Reset On Close=true".</summary>
    public string? ConnectionOptions { get; init; }
}

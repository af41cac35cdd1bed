using System.Globalization;

namespace Engine.Benchmarks.Producing;

/// <summary>The simulated clients' command line, written by <see cref="SimulatedClientsProcess"/>.</summary>
internal sealed record SimulatedClientSettings(
    string BootstrapServers,
    string GroupId,
    int Partitions,
    int Customers,
    int Seed,
    string CustomerPrefix,
    long MaxAhead,
    string SamplesPath,
    IReadOnlyDictionary<string, string> ProducerSettings)
{
    public IEnumerable<string> ToArguments()
    {
        yield return SimulatedClients.Command;
        yield return "--bootstrap";
        yield return BootstrapServers;
        yield return "--group";
        yield return GroupId;
        yield return "--partitions";
        yield return Partitions.ToString(CultureInfo.InvariantCulture);
        yield return "--customers";
        yield return Customers.ToString(CultureInfo.InvariantCulture);
        yield return "--seed";
        yield return Seed.ToString(CultureInfo.InvariantCulture);
        yield return "--prefix";
        yield return CustomerPrefix;
        yield return "--max-ahead";
        yield return MaxAhead.ToString(CultureInfo.InvariantCulture);
        yield return "--samples";
        yield return SamplesPath;
        foreach (var (key, value) in ProducerSettings)
        {
            yield return "--producer";
            yield return key + "=" + value;
        }
    }

    public static SimulatedClientSettings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var producer = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--producer")
            {
                var equals = args[i + 1].IndexOf('=', StringComparison.Ordinal);
                producer[args[i + 1][..equals]] = args[i + 1][(equals + 1)..];
            }
            else
            {
                values[args[i]] = args[i + 1];
            }
        }

        string Value(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"{SimulatedClients.Command} needs {name}");
        int Number(string name) => int.Parse(Value(name), CultureInfo.InvariantCulture);
        return new SimulatedClientSettings(
            Value("--bootstrap"), Value("--group"), Number("--partitions"), Number("--customers"), Number("--seed"), Value("--prefix"),
            long.Parse(Value("--max-ahead"), CultureInfo.InvariantCulture), Value("--samples"), producer);
    }
}

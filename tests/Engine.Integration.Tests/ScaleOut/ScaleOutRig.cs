using System.Globalization;
using System.Net;
using System.Text.Json;
using Engine.Integration.Tests.Processes;
using Engine.Silo.Kafka;
using Engine.Testing.Postgres;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Engine.Integration.Tests.ScaleOut;

/// <summary>
/// A cluster as an operator runs it: silo processes on PostgreSQL membership, one consumer
/// group, and a broker and database in the test process that outlive every silo. Each silo
/// writes its SMS to a file of its own, so the test can see every text any silo handed out.
/// </summary>
public sealed class ScaleOutRig : IAsyncDisposable
{
    private const string ClusterId = "scaleout";
    private const string ServiceId = "engagement-engine";

    private readonly DirectoryInfo _smsFiles = Directory.CreateTempSubdirectory("engine-scaleout-");
    private readonly List<SiloProcess> _silos = [];

    private ScaleOutRig(PostgresServer postgres, EmbeddedKafkaBroker broker, DurableStream stream)
    {
        Postgres = postgres;
        Broker = broker;
        Stream = stream;
    }

    public PostgresServer Postgres { get; }
    public EmbeddedKafkaBroker Broker { get; }
    public DurableStream Stream { get; }

    public static async Task<ScaleOutRig> StartAsync(int partitions)
    {
        var postgres = await PostgresServer.StartForTestsAsync();
        var database = await postgres.CreateDatabaseAsync();
        var broker = EmbeddedKafkaBroker.Start();
        return new ScaleOutRig(postgres, broker, new DurableStream(broker, partitions, database.ConnectionString));
    }

    /// <summary>Starts one more silo of the cluster and waits until it is ready.</summary>
    public async Task<SiloProcess> StartSiloAsync(string name, IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = Stream.SiloSettings;
        settings["Storage__Clustering"] = "postgres";
        settings["Orleans__ClusterId"] = ClusterId;
        settings["Orleans__ServiceId"] = ServiceId;
        // Three silos on one machine: each its own ports (SiloProcess picks them), all on loopback.
        settings["Orleans__AdvertisedIPAddress"] = "127.0.0.1";
        settings["Sms__Gateway__Provider"] = "file";
        settings["Sms__Gateway__File__Path"] = Path.Combine(_smsFiles.FullName, name + ".jsonl");
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var silo = await SiloProcess.StartAsync(settings);
        _silos.Add(silo);
        return silo;
    }

    /// <summary>An Orleans client of the cluster through the gateways of <paramref name="silos"/>.</summary>
    public static async Task<IHost> ConnectAsync(IEnumerable<SiloProcess> silos)
    {
        var gateways = silos.Select(s => new IPEndPoint(IPAddress.Loopback, s.GatewayPort)).ToArray();
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(gateways);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterId;
                o.ServiceId = ServiceId;
            });
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Every SMS any silo handed to its gateway: the message id of each line of every silo's file.</summary>
    public IReadOnlyList<string> SmsHandedOut() =>
        [.. _smsFiles.EnumerateFiles("*.jsonl")
            .SelectMany(file => ReadShared(file.FullName))
            .Where(line => line.Length > 0)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("messageId").GetString() ?? "")];

    public static async Task<double> MetricAsync(HttpClient http, SiloProcess silo, string name)
    {
        var text = await http.GetStringAsync(silo.BaseUrl + "/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>What a failure message needs: each silo's rewinds and checkpoints from its /metrics.</summary>
    public async Task<string> DiagnosticsAsync(HttpClient http, IEnumerable<(string Name, SiloProcess Silo)> silos)
    {
        var lines = new List<string>();
        foreach (var (name, silo) in silos)
        {
            var text = await http.GetStringAsync(silo.BaseUrl + "/metrics");
            lines.AddRange(text.Split('\n')
                .Where(l => l.StartsWith("engine_partition_rewinds_total", StringComparison.Ordinal) || l.StartsWith("engine_checkpoints_total", StringComparison.Ordinal))
                .Select(l => $"{name}: {l}"));
        }

        return string.Join('\n', lines);
    }

    public async ValueTask DisposeAsync()
    {
        // Kept for whoever reads a failure: every silo's console output, in the temp directory.
        var logs = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "engine-scaleout-logs"));
        for (var i = 0; i < _silos.Count; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(logs.FullName, $"silo-{i}.log"), _silos[i].Output);
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        Broker.Dispose();
        await Postgres.DisposeAsync();
        _smsFiles.Delete(recursive: true);
    }

    // A live silo may be appending: read without asking for exclusive access.
    private static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }
}

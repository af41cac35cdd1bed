using System.Runtime.InteropServices;
using System.Text;

namespace Engine.Silo.Kafka;

/// <summary>
/// An in-process Kafka cluster (librdkafka's mock cluster) that speaks the real Kafka
/// protocol on 127.0.0.1, so the engine's embedded default, its tests and outside tools
/// such as kcat talk to it exactly as they would to a real broker. It is not durable:
/// it is for development, demos and tests.
/// </summary>
public sealed unsafe class EmbeddedKafkaBroker : IDisposable
{
    private const int ProducerType = 0;

    private readonly nint _handle;
    private readonly nint _cluster;
    private readonly delegate* unmanaged<nint, byte*, int, int, int> _topicCreate;
    private readonly delegate* unmanaged<nint, int, int> _brokerSetDown;
    private readonly delegate* unmanaged<nint, int, int> _brokerSetUp;
    private readonly delegate* unmanaged<nint, void> _clusterDestroy;
    private readonly delegate* unmanaged<nint, void> _destroy;
    private bool _disposed;

    private EmbeddedKafkaBroker(nint library, int brokers)
    {
        var confNew = (delegate* unmanaged<nint>)NativeLibrary.GetExport(library, "rd_kafka_conf_new");
        var confSet = (delegate* unmanaged<nint, byte*, byte*, byte*, nuint, int>)NativeLibrary.GetExport(library, "rd_kafka_conf_set");
        var kafkaNew = (delegate* unmanaged<int, nint, byte*, nuint, nint>)NativeLibrary.GetExport(library, "rd_kafka_new");
        var clusterNew = (delegate* unmanaged<nint, int, nint>)NativeLibrary.GetExport(library, "rd_kafka_mock_cluster_new");
        var bootstraps = (delegate* unmanaged<nint, byte*>)NativeLibrary.GetExport(library, "rd_kafka_mock_cluster_bootstraps");
        var rebalanceDelay = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(library, "rd_kafka_mock_group_initial_rebalance_delay_ms");
        _topicCreate = (delegate* unmanaged<nint, byte*, int, int, int>)NativeLibrary.GetExport(library, "rd_kafka_mock_topic_create");
        _brokerSetDown = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(library, "rd_kafka_mock_broker_set_down");
        _brokerSetUp = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(library, "rd_kafka_mock_broker_set_up");
        _clusterDestroy = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(library, "rd_kafka_mock_cluster_destroy");
        _destroy = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(library, "rd_kafka_destroy");

        // The mock cluster lives as long as the client handle that created it.
        var error = stackalloc byte[512];
        var conf = confNew();
        // The handle only hosts the mock cluster; it has no brokers of its own to warn about.
        fixed (byte* name = "log_level\0"u8, level = "3\0"u8)
        {
            _ = confSet(conf, name, level, error, 512);
        }

        _handle = kafkaNew(ProducerType, conf, error, 512);
        if (_handle == 0)
        {
            throw new InvalidOperationException("librdkafka could not create a client handle: " + Marshal.PtrToStringUTF8((nint)error));
        }

        _cluster = clusterNew(_handle, brokers);
        if (_cluster == 0)
        {
            _destroy(_handle);
            throw new InvalidOperationException("librdkafka could not start its mock cluster.");
        }

        // A new consumer group is assigned at once instead of after the default 3 s delay.
        _ = rebalanceDelay(_cluster, 0);
        BootstrapServers = Marshal.PtrToStringUTF8((nint)bootstraps(_cluster)) ?? throw new InvalidOperationException("mock cluster has no bootstrap address");
    }

    /// <summary>The "host:port,..." list clients connect to.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers on loopback.</summary>
    public static EmbeddedKafkaBroker Start(int brokers = 1)
    {
        NativeKafka.EnsureLoaded();
        var path = NativeKafka.LoadedPath
            ?? throw new PlatformNotSupportedException("The embedded Kafka broker needs librdkafka.redist's linux-x64 build; set Kafka:BootstrapServers to use a real cluster.");
        return new EmbeddedKafkaBroker(NativeLibrary.Load(path), brokers);
    }

    /// <summary>Creates a topic; creating one that exists is not an error.</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var name = Encoding.UTF8.GetBytes(topic + "\0");
        fixed (byte* p = name)
        {
            var code = _topicCreate(_cluster, p, partitions, replicationFactor);
            // 36 = TOPIC_ALREADY_EXISTS.
            if (code != 0 && code != 36)
            {
                throw new InvalidOperationException($"could not create topic {topic}: Kafka error {code}");
            }
        }
    }

    /// <summary>Simulates a broker outage (broker ids start at 1).</summary>
    public void SetBrokerDown(int brokerId) => _ = _brokerSetDown(_cluster, brokerId);

    public void SetBrokerUp(int brokerId) => _ = _brokerSetUp(_cluster, brokerId);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _clusterDestroy(_cluster);
        _destroy(_handle);
    }
}

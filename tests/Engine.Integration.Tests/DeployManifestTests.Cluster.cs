using Engine.Silo.Hosting;
using Engine.Silo.Ingestion;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Engine.Integration.Tests;

/// <summary>
/// The cluster deployments (deploy/compose, deploy/k8s) cannot run here, so they are checked
/// as far as parsing and the promises they carry: three silos on PostgreSQL membership, probes
/// on the health endpoints, a stop grace longer than the drain, a disruption budget, TLS.
/// </summary>
public sealed partial class DeployManifestTests
{
    private static readonly string Compose = Path.Combine(RepositoryLayout.Root, "deploy", "compose");
    private static readonly string Kubernetes = Path.Combine(RepositoryLayout.Root, "deploy", "k8s");

    // What a stop needs before a SIGKILL would cut it short: the final checkpoint, then the silo's own stop.
    private static readonly TimeSpan Drain = new IngestionOptions().FinalCheckpointTimeout + SiloHostExtensions.SiloStopAllowance;

    [Fact]
    public void The_compose_cluster_runs_kafka_in_kraft_mode_postgres_with_the_schema_three_silos_and_the_gateway_and_monitoring()
    {
        var services = Map(Load(Path.Combine(Compose, "docker-compose.yml")).Single(), "services");

        Assert.Equal(
            ["grafana", "kafka", "kafka-topics", "kannel", "postgres", "prometheus", "schema", "silo-1", "silo-2", "silo-3"],
            services.Children.Keys.Select(k => k.ToString()).Order(StringComparer.Ordinal));
        Assert.Contains("controller", Text(Map(services, "kafka", "environment"), "KAFKA_PROCESS_ROLES"), StringComparison.Ordinal);
        Assert.Contains("/schema/[0-9]*.sql", Sequence(services, "schema", "command").Single().ToString(), StringComparison.Ordinal);
        foreach (var silo in new[] { "silo-1", "silo-2", "silo-3" })
        {
            var environment = Map(services, silo, "environment");
            Assert.Equal("postgres", Text(environment, "Storage__Clustering"));
            Assert.Equal("engagement-engine", Text(environment, "Kafka__GroupId"));
            Assert.EndsWith($"{silo}:5080/sms/kannel/dlr", Text(environment, "Sms__Gateway__Kannel__DlrUrl"), StringComparison.Ordinal);
            Assert.NotEmpty(Text(environment, "Orleans__Tls__CertificatePath"));
            Assert.True(Seconds(Text(Map(services, silo), "stop_grace_period")) > Drain, $"{silo} is killed before its drain can finish");
        }

        // Every file the services mount from the repository is there.
        foreach (var mount in services.Children.Values.OfType<YamlMappingNode>()
            .SelectMany(s => s.Children.TryGetValue("volumes", out var v) ? ((YamlSequenceNode)v).Children : [])
            .Select(v => v.ToString().Split(':')[0])
            .Where(source => source.StartsWith('.')))
        {
            Assert.True(File.Exists(Path.Combine(Compose, mount)) || Directory.Exists(Path.Combine(Compose, mount)), $"compose mounts {mount}, which is not in deploy/compose");
        }
    }

    [Fact]
    public async Task The_compose_file_passes_docker_compose_config_with_the_example_settings()
    {
        var compose = ToolRun.Require("docker-compose", "docker-compose");

        var check = await ToolRun.RunAsync(compose, ["--env-file", Path.Combine(Compose, "example.env"), "-f", Path.Combine(Compose, "docker-compose.yml"), "config", "-q"]);

        Assert.True(check.ExitCode == 0, check.Output + check.Error);
    }

    [Fact]
    public async Task The_compose_prometheus_config_scrapes_every_silo_and_passes_promtool()
    {
        var promtool = ToolRun.Require("promtool", "prometheus");
        var config = await File.ReadAllTextAsync(Path.Combine(Compose, "prometheus.yml"));
        // As compose mounts them: the config beside the engine's alert rules.
        var mounted = Directory.CreateTempSubdirectory("engine-compose-prometheus-");
        try
        {
            File.Copy(Path.Combine(Compose, "prometheus.yml"), Path.Combine(mounted.FullName, "prometheus.yml"));
            File.Copy(Path.Combine(RepositoryLayout.Root, "deploy", "prometheus", "engine-alerts.yml"), Path.Combine(mounted.FullName, "engine-alerts.yml"));
            var check = await ToolRun.RunAsync(promtool, ["check", "config", Path.Combine(mounted.FullName, "prometheus.yml")]);
            Assert.True(check.ExitCode == 0, check.Output + check.Error);
        }
        finally
        {
            mounted.Delete(recursive: true);
        }

        Assert.All(["silo-1:5080", "silo-2:5080", "silo-3:5080"], target => Assert.Contains(target, config, StringComparison.Ordinal));
    }

    [Fact]
    public void The_kubernetes_silos_have_health_probes_resources_a_disruption_budget_a_grace_period_longer_than_the_drain_and_cluster_tls()
    {
        var documents = KubernetesDocuments();
        var statefulSet = documents.Single(d => Kind(d) == "StatefulSet");
        var pod = Map(statefulSet, "spec", "template", "spec");
        var podLabels = Map(statefulSet, "spec", "template", "metadata", "labels");
        var silo = (YamlMappingNode)Sequence(pod, "containers").Single();

        Assert.Equal("3", Text(Map(statefulSet, "spec"), "replicas"));
        Assert.True(TimeSpan.FromSeconds(int.Parse(Text(pod, "terminationGracePeriodSeconds"), System.Globalization.CultureInfo.InvariantCulture)) > Drain, "pods are killed before their drain can finish");
        Assert.Equal("/health/live", Text(Map(silo, "livenessProbe", "httpGet"), "path"));
        Assert.Equal("/health/ready", Text(Map(silo, "readinessProbe", "httpGet"), "path"));
        var ports = Sequence(silo, "ports").Cast<YamlMappingNode>().Select(p => Text(p, "name")).ToList();
        Assert.All(["livenessProbe", "readinessProbe", "startupProbe"], probe => Assert.Contains(Text(Map(silo, probe, "httpGet"), "port"), ports));
        Assert.NotEmpty(Text(Map(silo, "resources", "requests"), "cpu"));
        Assert.NotEmpty(Text(Map(silo, "resources", "requests"), "memory"));
        Assert.NotEmpty(Text(Map(silo, "resources", "limits"), "memory"));

        // The disruption budget and every Service select the silo pods.
        var budget = documents.Single(d => Kind(d) == "PodDisruptionBudget");
        Assert.Equal("1", Text(Map(budget, "spec"), "maxUnavailable"));
        Assert.True(Selects(Map(budget, "spec", "selector", "matchLabels"), podLabels), "the PodDisruptionBudget does not select the silo pods");
        Assert.All(documents.Where(d => Kind(d) == "Service"), s => Assert.True(Selects(Map(s, "spec", "selector"), podLabels), $"Service {Name(s)} does not select the silo pods"));

        // Membership in PostgreSQL, and the TLS secret mounted where the configuration looks for it.
        var config = Map(documents.Single(d => Kind(d) == "ConfigMap"), "data");
        Assert.Equal("postgres", Text(config, "Storage__Clustering"));
        var tlsMount = Sequence(silo, "volumeMounts").Cast<YamlMappingNode>().Single(m => Text(m, "name") == "cluster-tls");
        Assert.StartsWith(Text(tlsMount, "mountPath") + "/", Text(config, "Orleans__Tls__CertificatePath"), StringComparison.Ordinal);
        var tlsVolume = Sequence(pod, "volumes").Cast<YamlMappingNode>().Single(v => Text(v, "name") == "cluster-tls");
        Assert.Equal("engine-cluster-tls", Text(Map(tlsVolume, "secret"), "secretName"));

        // The schema Job applies the scripts the silo image carries.
        var job = documents.Single(d => Kind(d) == "Job");
        Assert.Contains("/schema/", Sequence(Map(job, "spec", "template", "spec"), "initContainers").Cast<YamlMappingNode>().Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_kubernetes_manifest_is_listed_in_the_kustomization_and_names_its_kind()
    {
        var kustomization = Load(Path.Combine(Kubernetes, "kustomization.yaml")).Single();
        var listed = Sequence(kustomization, "resources").Select(r => r.ToString()).Order(StringComparer.Ordinal).ToList();
        var files = Directory.GetFiles(Kubernetes, "*.yaml").Select(f => Path.GetFileName(f)).Where(f => f != "kustomization.yaml").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(files, listed);
        Assert.All(KubernetesDocuments(), d =>
        {
            Assert.NotEmpty(Text(d, "apiVersion"));
            Assert.NotEmpty(Kind(d));
            Assert.NotEmpty(Name(d));
        });
    }

    private static List<YamlMappingNode> KubernetesDocuments() =>
        [.. Directory.GetFiles(Kubernetes, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").SelectMany(Load)];

    /// <summary>Every document of the file, with YAML merge keys (<c>&lt;&lt;: *anchor</c>) applied as compose applies them.</summary>
    private static List<YamlMappingNode> Load(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(new MergingParser(new Parser(reader)));
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static YamlMappingNode Map(YamlMappingNode node, params string[] path) =>
        path.Aggregate(node, (current, key) => (YamlMappingNode)current.Children[new YamlScalarNode(key)]);

    private static IList<YamlNode> Sequence(YamlMappingNode node, params string[] path) =>
        ((YamlSequenceNode)Map(node, path[..^1]).Children[new YamlScalarNode(path[^1])]).Children;

    private static string Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value.ToString() : "";

    private static string Kind(YamlMappingNode document) => Text(document, "kind");

    private static string Name(YamlMappingNode document) => Text(Map(document, "metadata"), "name");

    private static bool Selects(YamlMappingNode selector, YamlMappingNode labels) =>
        selector.Children.All(s => labels.Children.TryGetValue(s.Key, out var value) && value.ToString() == s.Value.ToString());

    private static TimeSpan Seconds(string composeDuration) =>
        composeDuration.EndsWith('s') ? TimeSpan.FromSeconds(double.Parse(composeDuration[..^1], System.Globalization.CultureInfo.InvariantCulture))
        : throw new FormatException($"expected a duration in seconds like 150s, not {composeDuration}");
}

namespace Engine.Integration.Tests;

/// <summary>
/// The dashboard loads as Grafana provisions it: panels that do not overlap, every query on the
/// chosen Prometheus. (Its PromQL runs against a real Prometheus in PrometheusScrapeTests.)
/// </summary>
[Trait("Category", "Integration")]
public sealed class GrafanaDashboardTests
{
    [Fact]
    public void Every_panel_has_its_own_place_and_queries_the_chosen_Prometheus()
    {
        var dashboard = GrafanaDashboard.Load();
        var panels = dashboard.Panels;

        Assert.Contains("datasource", dashboard.Variables);
        Assert.Contains("instance", dashboard.Variables);
        Assert.Equal(panels.Count, panels.Select(p => p.Id).Distinct().Count());
        Assert.All(panels, p => Assert.InRange(p.Grid.X + p.Grid.W, 1, 24));
        var charts = panels.Where(p => p.Type != "row").ToList();
        Assert.All(charts, p =>
        {
            Assert.Equal("${datasource}", p.DataSource);
            Assert.NotEmpty(p.Expressions);
        });
        foreach (var (a, i) in panels.Select((p, i) => (p, i)))
        {
            foreach (var b in panels.Skip(i + 1))
            {
                var overlap = a.Grid.X < b.Grid.X + b.Grid.W && b.Grid.X < a.Grid.X + a.Grid.W && a.Grid.Y < b.Grid.Y + b.Grid.H && b.Grid.Y < a.Grid.Y + a.Grid.H;
                Assert.False(overlap, $"panels '{a.Title}' and '{b.Title}' overlap");
            }
        }
    }

    [Fact]
    public void The_provisioning_loads_the_dashboards_directory_from_the_Prometheus_data_source()
    {
        var grafana = Path.Combine(RepositoryLayout.Root, "deploy", "grafana");
        var source = File.ReadAllText(Path.Combine(grafana, "provisioning", "datasources", "prometheus.yml"));
        var dashboards = File.ReadAllText(Path.Combine(grafana, "provisioning", "dashboards", "engagement-engine.yml"));

        Assert.Contains("type: prometheus", source, StringComparison.Ordinal);
        Assert.Contains("path: /var/lib/grafana/dashboards", dashboards, StringComparison.Ordinal);
        Assert.True(File.Exists(GrafanaDashboard.PathInRepository));
    }
}

using System.Text.Json;

namespace Engine.Integration.Tests;

/// <summary>deploy/grafana's dashboard as the tests read it: its panels and their PromQL.</summary>
internal sealed record GrafanaDashboard(IReadOnlyList<GrafanaPanel> Panels, IReadOnlyList<string> Variables)
{
    public static string PathInRepository => Path.Combine(RepositoryLayout.Root, "deploy", "grafana", "dashboards", "engagement-engine.json");

    public static GrafanaDashboard Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(PathInRepository));
        var root = document.RootElement;
        var panels = root.GetProperty("panels").EnumerateArray().Select(p => new GrafanaPanel(
            p.GetProperty("id").GetInt32(),
            p.GetProperty("type").GetString() ?? "",
            p.GetProperty("title").GetString() ?? "",
            p.TryGetProperty("datasource", out var source) ? source.GetProperty("uid").GetString() : null,
            Grid(p.GetProperty("gridPos")),
            p.TryGetProperty("targets", out var targets) ? [.. targets.EnumerateArray().Select(t => t.GetProperty("expr").GetString() ?? "")] : [])).ToList();
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("name").GetString() ?? "").ToList();
        return new GrafanaDashboard(panels, variables);
    }

    /// <summary>A panel's expression as Prometheus would get it from Grafana with every silo selected.</summary>
    public static string AsQuery(string expr) => expr
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("$__range", "5m", StringComparison.Ordinal)
        .Replace("$instance", ".*", StringComparison.Ordinal)
        .Replace("$job", "engagement-engine", StringComparison.Ordinal);

    private static (int X, int Y, int W, int H) Grid(JsonElement grid) =>
        (grid.GetProperty("x").GetInt32(), grid.GetProperty("y").GetInt32(), grid.GetProperty("w").GetInt32(), grid.GetProperty("h").GetInt32());
}

internal sealed record GrafanaPanel(int Id, string Type, string Title, string? DataSource, (int X, int Y, int W, int H) Grid, IReadOnlyList<string> Expressions);

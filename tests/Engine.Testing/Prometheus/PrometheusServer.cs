using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Engine.Testing.Prometheus;

/// <summary>
/// Debian's Prometheus in its own process: scrapes the given targets every second, evaluates
/// the given rule files every second, answers the HTTP API on a free loopback port. Its data
/// lives in a temporary directory removed on dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    public string BaseUrl { get; }

    /// <param name="job">The scrape job's name (alert rules select on it).</param>
    /// <param name="targets">host:port of each target; /metrics is scraped.</param>
    /// <param name="rules">Rule files' contents, written beside the configuration.</param>
    public static async Task<PrometheusServer> StartAsync(string job, IReadOnlyList<string> targets, IReadOnlyList<string> rules)
    {
        var binary = ToolRun.Require("prometheus", "prometheus");
        var directory = Directory.CreateTempSubdirectory("prometheus-").FullName;
        var ruleFiles = new List<string>();
        foreach (var (content, index) in rules.Select((r, i) => (r, i)))
        {
            var path = Path.Combine(directory, $"rules-{index}.yml");
            await File.WriteAllTextAsync(path, content);
            ruleFiles.Add(path);
        }

        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [{string.Join(", ", ruleFiles.Select(f => $"'{f}'"))}]
            scrape_configs:
              - job_name: {job}
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
            """);
        var port = FreePorts.Next();
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--config.file=" + config,
            "--storage.tsdb.path=" + Path.Combine(directory, "data"),
            "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start prometheus");
        // Drained so a chatty Prometheus never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, directory, port);
        await Eventually.Until(server.ReadyAsync, ready => ready, TimeSpan.FromSeconds(30), "Prometheus to be ready");
        return server;
    }

    /// <summary>An instant query; throws with Prometheus's error when it refuses the expression.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        using var document = await GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        var data = document.RootElement.GetProperty("data");
        var kind = data.GetProperty("resultType").GetString();
        if (kind == "scalar")
        {
            return [(new Dictionary<string, string>(), ParseValue(data.GetProperty("result")))];
        }

        return [.. data.GetProperty("result").EnumerateArray().Select(r => (
            (IReadOnlyDictionary<string, string>)r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            ParseValue(r.GetProperty("value"))))];
    }

    /// <summary>The alerts Prometheus holds now: name, state (pending or firing) and labels.</summary>
    public async Task<IReadOnlyList<(string Name, string State, IReadOnlyDictionary<string, string> Labels)>> AlertsAsync()
    {
        using var document = await GetAsync("/api/v1/alerts");
        return [.. document.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray().Select(a =>
        {
            var labels = a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            return (labels["alertname"], a.GetProperty("state").GetString() ?? "", (IReadOnlyDictionary<string, string>)labels);
        })];
    }

    /// <summary>The targets' scrape health as Prometheus last saw it ("up", "down", "unknown").</summary>
    public async Task<IReadOnlyList<string>> TargetHealthAsync()
    {
        using var document = await GetAsync("/api/v1/targets");
        return [.. document.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().Select(t => t.GetProperty("health").GetString() ?? "")];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind harms nothing.
        }
    }

    private async Task<bool> ReadyAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}");
        }

        try
        {
            return (await _http.GetAsync(BaseUrl + "/-/ready")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private async Task<JsonDocument> GetAsync(string path)
    {
        using var response = await _http.GetAsync(BaseUrl + path);
        var body = await response.Content.ReadAsStringAsync();
        var document = JsonDocument.Parse(body);
        if (document.RootElement.GetProperty("status").GetString() != "success")
        {
            document.Dispose();
            throw new InvalidOperationException($"Prometheus refused {path}: {body}");
        }

        return document;
    }

    private static double ParseValue(JsonElement pair) => double.Parse(pair[1].GetString() ?? "NaN", CultureInfo.InvariantCulture);
}

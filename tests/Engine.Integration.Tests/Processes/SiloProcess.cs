using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Engine.Integration.Tests.Processes;

/// <summary>
/// The silo started as an operator would start it: its own process, embedded defaults,
/// with ports chosen so tests never collide with a developer's running engine.
/// </summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<string> _bootstrap = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(IReadOnlyDictionary<string, string> settings, int? httpPort)
    {
        HttpPort = httpPort ?? FreePorts.Next();
        GatewayPort = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryLayout.SiloDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepositoryLayout.SiloAssembly);
        start.Environment["Urls"] = $"http://127.0.0.1:{HttpPort}";
        start.Environment["Orleans__SiloPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Orleans__GatewayPort"] = GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int HttpPort { get; }

    public int GatewayPort { get; }

    public string BaseUrl => $"http://127.0.0.1:{HttpPort}";

    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Starts the silo and waits until /health/ready answers 200. Give <paramref name="httpPort"/>
    /// when something outside must know the silo's URL before it starts (a gateway's callback
    /// URL), or to restart it where callbacks already point.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(IReadOnlyDictionary<string, string>? settings = null, int? httpPort = null)
    {
        var silo = new SiloProcess(settings ?? new Dictionary<string, string>(), httpPort);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.Until(async () =>
        {
            if (silo._process.HasExited)
            {
                throw new InvalidOperationException($"silo exited with {silo._process.ExitCode}:\n{silo.Output}");
            }

            try
            {
                return (await http.GetAsync(silo.BaseUrl + "/health/ready")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        }, ready => ready, TimeSpan.FromMinutes(1), "the silo to become ready");
        return silo;
    }

    /// <summary>The embedded broker's address, as the silo printed it.</summary>
    public Task<string> BootstrapServersAsync() => _bootstrap.Task.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>
    /// SIGTERM, as an operator's stop or an orchestrator sends it, then waits for the process
    /// to exit and returns its exit code. Kills it and fails after <paramref name="timeout"/>.
    /// </summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        var signal = await ToolRun.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (signal.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed: {signal.Error}");
        }

        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            // Also waits for the redirected output to be read to its end.
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the silo did not stop within {timeout.TotalSeconds:F0}s of SIGTERM:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown hooks, no final checkpoint, as in a power cut.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        // Kept for whoever reads a failure: the silo's console output, in the temp directory.
        var logs = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "engine-silo-logs"));
        await File.WriteAllTextAsync(Path.Combine(logs.FullName, $"silo-{HttpPort}.log"), $"exit code {_process.ExitCode}{Environment.NewLine}{Output}");
        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (BootstrapLine().Match(line) is { Success: true } match)
        {
            _bootstrap.TrySetResult(match.Groups[1].Value);
        }
    }

    [GeneratedRegex(@"listening at (\S+?);")]
    private static partial Regex BootstrapLine();
}

using System.Diagnostics;
using System.Globalization;

namespace Engine.Benchmarks.Producing;

/// <summary>
/// The benchmark's side of <see cref="SimulatedClients"/>: starts this program again as the
/// simulated clients' process, tells it what to produce and what the engine has applied, and
/// reads back what it produced, its CPU time and, at the end, the latency samples.
/// </summary>
internal sealed class SimulatedClientsProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _samplesPath;
    private readonly TaskCompletionSource<long> _opening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;
    private long _produced;
    private long _failed;
    private long _mostBehind;
    private long _lastApplied = -1;

    private SimulatedClientsProcess(Process process, string samplesPath)
    {
        _process = process;
        _samplesPath = samplesPath;
        _reading = Task.Run(ReadAsync);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                Console.Error.WriteLine("  clients: " + line);
            }
        };
        _process.BeginErrorReadLine();
    }

    public long Produced => Interlocked.Read(ref _produced);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The most events the live schedule was ever ahead of what the clients had sent.</summary>
    public long MostBehind => Interlocked.Read(ref _mostBehind);

    public int ProcessId => _process.Id;

    public static SimulatedClientsProcess Start(SimulatedClientSettings settings)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(SimulatedClients).Assembly.Location);
        }

        foreach (var argument in settings.ToArguments())
        {
            start.ArgumentList.Add(argument);
        }

        // A client, not a server: the workstation GC keeps it to a thread or two.
        start.Environment["DOTNET_gcServer"] = "0";
        return new SimulatedClientsProcess(Process.Start(start)!, settings.SamplesPath);
    }

    /// <summary>Completes when every customer's profile and purchase history is delivered; the count.</summary>
    public Task<long> OpeningDelivered => _opening.Task;

    /// <summary>CPU time of the clients' process so far (all threads).</summary>
    public TimeSpan Cpu()
    {
        try
        {
            _process.Refresh();
            return _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }

    public void Backlog() => Send("backlog");

    public void Stress() => Send("stress");

    /// <summary>Stops producing until told otherwise (the backlog drains).</summary>
    public void Pause() => Send("pause");

    public void Live(double rate) => Send(string.Create(CultureInfo.InvariantCulture, $"live {rate}"));

    /// <summary>What the engine has taken so far (applied or skipped), profiles included: the backlog stays a bounded distance ahead.</summary>
    public void Applied(long applied)
    {
        if (applied != _lastApplied)
        {
            _lastApplied = applied;
            Send(string.Create(CultureInfo.InvariantCulture, $"applied {applied}"));
        }
    }

    /// <summary>Stops producing, waits for the clients to write their latency samples and exit; the samples.</summary>
    public async Task<LatencySamples> StopAsync(TimeSpan timeout)
    {
        Send("stop");
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _stopped.Task.WaitAsync(cancel.Token);
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("  clients: did not stop in time; killed");
            return LatencySamples.Empty;
        }

        var samples = LatencySamples.Load(_samplesPath);
        File.Delete(_samplesPath);
        return samples;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _reading.Wait(TimeSpan.FromSeconds(5));
        _process.Dispose();
        if (File.Exists(_samplesPath))
        {
            File.Delete(_samplesPath);
        }
    }

    private void Send(string line)
    {
        try
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }
        catch (IOException)
        {
            // The clients exited; what they said on the way out is on standard error.
        }
    }

    private async Task ReadAsync()
    {
        string? line;
        while ((line = await _process.StandardOutput.ReadLineAsync()) is not null)
        {
            var words = line.Split(' ');
            long Number(int i) => long.Parse(words[i], CultureInfo.InvariantCulture);
            switch (words[0])
            {
                case "opening":
                    _opening.TrySetResult(Number(1));
                    break;
                case "status":
                    Interlocked.Exchange(ref _produced, Number(1));
                    Interlocked.Exchange(ref _failed, Number(2));
                    Interlocked.Exchange(ref _mostBehind, Number(3));
                    break;
                case "stopped":
                    _stopped.TrySetResult();
                    break;
            }
        }

        var exited = new InvalidOperationException("the simulated clients' process exited early");
        _opening.TrySetException(exited);
        _stopped.TrySetResult();
    }
}

using System.Diagnostics;

namespace Engine.Testing;

/// <summary>Runs a command-line tool to completion and captures what it printed.</summary>
public static class ToolRun
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(1);

    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>
    /// Runs <paramref name="fileName"/>; a tool still running after <paramref name="timeout"/>
    /// (a minute unless given) is killed and reported as a <see cref="TimeoutException"/>.
    /// <paramref name="environment"/> adds to or replaces this process's variables.
    /// </summary>
    public static async Task<Result> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? standardInput = null,
        TimeSpan? timeout = null,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }

        using var cancellation = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish in time");
        }

        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>As <see cref="RunAsync"/>, for a step that must succeed: a non-zero exit throws with what the tool printed.</summary>
    public static async Task<Result> RunCheckedAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var result = await RunAsync(fileName, arguments, timeout: timeout, workingDirectory: workingDirectory);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {result.ExitCode}:\n{result.Output}\n{result.Error}");
        }

        return result;
    }

    /// <summary>The full path of a tool on PATH, or a failure that says how to install it.</summary>
    public static string Require(string tool, string package)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{tool} is not installed: run scripts/install-deps.sh (Debian package {package}).");
    }
}

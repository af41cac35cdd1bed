using System.Net;
using Engine.Silo.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Networking.Shared;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Engine.Client;

/// <summary>
/// A short-lived Orleans client: connects, asks one question, disconnects. Connection
/// failures become an <see cref="EngineUnreachableException"/> with a one-line message.
/// </summary>
public static class ClusterConnection
{
    /// <summary>An admin command should fail fast, but still ride out a silo that is just starting.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Connects to the cluster, runs <paramref name="question"/> and disconnects.</summary>
    /// <exception cref="EngineUnreachableException">The gateway could not be reached or stopped answering.</exception>
    public static async Task<T> AskAsync<T>(EngineAddress address, Func<IClusterClient, Task<T>> question, CancellationToken cancellationToken)
    {
        Exception? lastFailure = null;
        using var host = Build(address, failure =>
        {
            // Attempts made while Orleans backs off only say "will retry"; keep one with a cause.
            if (lastFailure is null || RootOf(failure) is not ConnectionFailedException)
            {
                lastFailure = failure;
            }
        });
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ConnectTimeout);
        try
        {
            await host.StartAsync(deadline.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(address, Describe(lastFailure ?? e, connecting: true), lastFailure ?? e);
        }

        try
        {
            return await question(host.Services.GetRequiredService<IClusterClient>()).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is OrleansMessageRejectionException or TimeoutException or ConnectionFailedException)
        {
            // The gateway went away (or never answered) after the connection was made.
            throw Unreachable(address, Describe(e, connecting: false), e);
        }
        finally
        {
            await StopQuietlyAsync(host);
        }
    }

    private static async Task StopQuietlyAsync(IHost host)
    {
        using var stop = new CancellationTokenSource(StopTimeout);
        try
        {
            await host.StopAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            // The answer (or the error) is already in hand; a slow goodbye must not replace it.
        }
    }

    private static IHost Build(EngineAddress address, Action<Exception> onConnectFailure)
    {
        // Content root at the tool's folder so an appsettings.json in the caller's working
        // directory cannot change the tool's behaviour.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Command output owns stdout; whatever the runtime has to say goes to stderr, and
        // only when it matters.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter((string?)null, LogLevel.Warning);
        // A failed connection is reported as one line by AskAsync; these would repeat it
        // once per attempt with a stack trace.
        builder.Logging.AddFilter("Orleans.Runtime.Messaging", LogLevel.Critical);
        builder.Logging.AddFilter("Orleans.Messaging", LogLevel.Critical);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);

        builder.UseOrleansClient(client =>
        {
            client
                .UseStaticClustering(new IPEndPoint(address.Host, address.GatewayPort))
                .Configure<ClusterOptions>(cluster =>
                {
                    cluster.ClusterId = address.ClusterId;
                    cluster.ServiceId = address.ServiceId;
                })
                .UseConnectionRetryFilter(async (failure, token) =>
                {
                    onConnectFailure(failure);
                    await Task.Delay(RetryDelay, token);
                    return true;
                });
            if (address.Tls is { Enabled: true } tls)
            {
                // A cluster with certificates accepts only clients that present one it trusts.
                var trust = Trust(tls);
                client.UseTls(trust.Certificate, trust.RequireMutual);
            }
        });

        return builder.Build();
    }

    private static ClusterTrust Trust(ClusterTlsOptions tls)
    {
        if (tls.Problems() is { Count: > 0 } problems)
        {
            throw new EngineUnreachableException($"cannot use the TLS settings: {string.Join("; ", problems)}", new ArgumentException(problems[0]));
        }

        try
        {
            return new ClusterTrust(tls);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or InvalidOperationException)
        {
            throw new EngineUnreachableException($"cannot load the TLS certificate {tls.CertificatePath}: {e.Message}", e);
        }
    }

    private static EngineUnreachableException Unreachable(EngineAddress address, string reason, Exception cause) =>
        new($"cannot reach the engine at gateway {address.Host}:{address.GatewayPort}: {reason}", cause);

    private static string Describe(Exception failure, bool connecting)
    {
        var root = RootOf(failure);

        // Orleans messages can span lines; the operator gets one.
        var message = (root is ConnectionFailedException ? failure : root).Message.ReplaceLineEndings(" ").Trim();
        if (message.Length == 0)
        {
            message = root.GetType().Name;
        }

        // Something listens on the port but hangs up during the handshake: most often a silo
        // of another cluster.
        var hungUp = connecting && root is not (SocketConnectionException or ConnectionFailedException or OperationCanceledException);
        return hungUp ? $"the gateway closed the connection ({message}); check --cluster-id and --service-id" : message;
    }

    private static Exception RootOf(Exception failure)
    {
        var root = failure;
        while (root.InnerException is { } inner)
        {
            root = inner;
        }

        return root;
    }
}

using System.Net.Sockets;

namespace Engine.Silo.Sms.Gateways;

/// <summary>
/// The HTTP handler of the gateway clients, with a connect timeout of its own. A host that
/// drops packets (rather than refusing) makes the connect hang: past the connect timeout it
/// fails as a connection error, so the send is classed "not reached" and retried, since the
/// request provably never left. Only a request that may have been received (connected, then no
/// answer within the response timeout) is "unknown".
/// </summary>
internal static class GatewayConnections
{
    public static SocketsHttpHandler Handler(TimeSpan connectTimeout) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connecting.CancelAfter(connectTimeout);
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, connecting.Token);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                // The handler reports it as HttpRequestError.ConnectionError: not reached.
                throw new SocketException((int)SocketError.TimedOut);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

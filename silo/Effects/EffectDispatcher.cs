using System.Collections.Concurrent;
using System.Threading.Channels;
using Engine.Contracts;
using Engine.Grains.Effects;

namespace Engine.Silo.Effects;

/// <summary>
/// Publishes the tier and segment changes customer grains hand it (their outbox records already
/// durable), so no customer's turn waits for the broker's acknowledgement: applying events went
/// at a fifth of its speed when each change was awaited in the grain. Each answer goes back to
/// the grain (<c>CompleteEffectPublicationAsync</c>), which marks the change done or keeps it
/// open. A customer's changes are published one after another, in the order handed out, so
/// they reach the topic in the order they were decided; different customers' go at once and
/// share the producer's batches. At the stop it lets what it was handed finish while the
/// grains can still take the answer (registered after <c>UseOrleans</c>, before the ingestion,
/// whose final checkpoint hands out the last ones); a change it never got to stays Sending in
/// the customer's state and is looked up and published by the next activation.
/// </summary>
public sealed partial class EffectDispatcher(
    IGrainFactory grains,
    EffectPublishing publishing,
    ILogger<EffectDispatcher> logger) : BackgroundService, IEffectOutlet
{
    private readonly Channel<EffectPublication> _queue = Channel.CreateUnbounded<EffectPublication>(new UnboundedChannelOptions { SingleReader = true });

    // Each customer's last publication still in flight: the customer's next one starts after it.
    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);

    public void Submit(EffectPublication publication) => _queue.Writer.TryWrite(publication);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Takes no more; what was handed out is still published (within the stop's budget).
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var publication in _queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            var customerId = publication.CustomerId;
            var previous = _inFlight.TryGetValue(customerId, out var tail) ? tail : Task.CompletedTask;
            var published = PublishAfterAsync(previous, publication);
            _inFlight[customerId] = published;
            _ = published.ContinueWith(
                done => _inFlight.TryRemove(new KeyValuePair<string, Task>(customerId, done)),
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            _ = ReportAsync(publication, published);
        }

        await Task.WhenAll(_inFlight.Values);
    }

    /// <summary>True when the topic has the record; never throws.</summary>
    private async Task<bool> PublishAfterAsync(Task previous, EffectPublication publication)
    {
        await previous;
        try
        {
            await publishing.PublishAsync(publication);
            return true;
        }
        catch (Exception ex)
        {
            LogPublishFailed(ex.GetType().Name);
            return false;
        }
    }

    private async Task ReportAsync(EffectPublication publication, Task<bool> published)
    {
        try
        {
            await grains.GetGrain<ICustomerGrain>(publication.CustomerId).CompleteEffectPublicationAsync(publication.EffectId, await published);
        }
        catch (Exception ex)
        {
            // The change stays open with its customer: handed out again after a while, looked up first.
            LogAnswerFailed(ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing a tier or segment change failed ({ErrorType}); it stays open with its customer and is retried")]
    private partial void LogPublishFailed(string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A published tier or segment change could not be reported to its customer ({ErrorType}); it is looked up before any re-publish")]
    private partial void LogAnswerFailed(string errorType);
}

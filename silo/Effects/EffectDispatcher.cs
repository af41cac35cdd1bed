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
/// share the producer's batches.
/// <para>
/// A customer's publications are tracked from the moment they are handed out, so its grain's
/// deactivation can wait for them (<see cref="PublishedAsync"/>): the next activation, on this
/// silo or another, looks a change it finds Sending up on the topic, and a record still on its
/// way there would be missed and published twice. At the stop it takes no more and lets what
/// it was handed finish while the grains can still take the answer (registered after
/// <c>UseOrleans</c>, before the ingestion, whose final checkpoint hands out the last ones); a
/// change it never got stays Sending in the customer's state and is looked up and published by
/// the next activation.
/// </para>
/// </summary>
public sealed partial class EffectDispatcher(
    IGrainFactory grains,
    EffectPublishing publishing,
    ILogger<EffectDispatcher> logger) : IHostedService, IEffectOutlet
{
    private readonly Lock _gate = new();

    // Each customer's last publication handed out and not answered yet: the next one starts after it.
    private readonly Dictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    private bool _stopping;

    /// <summary>Customers with a publication handed out and not yet answered by the broker.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight.Count;
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Submit(EffectPublication publication)
    {
        var customerId = publication.CustomerId;
        Task<bool> published;
        lock (_gate)
        {
            if (_stopping)
            {
                // Stays Sending with its customer: the next activation looks it up and publishes it.
                return;
            }

            var previous = _inFlight.GetValueOrDefault(customerId) ?? Task.CompletedTask;
            // On the thread pool: the grain's turn that hands it out neither runs nor resumes the publish.
            published = Task.Run(() => PublishAfterAsync(previous, publication));
            _inFlight[customerId] = published;
        }

        _ = published.ContinueWith(Forget, customerId, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _ = Task.Run(() => ReportAsync(publication, published));
    }

    public Task PublishedAsync(string customerId)
    {
        lock (_gate)
        {
            return _inFlight.GetValueOrDefault(customerId) ?? Task.CompletedTask;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] inFlight;
        lock (_gate)
        {
            _stopping = true;
            inFlight = [.. _inFlight.Values];
        }

        // What was handed out is still published, within the stop's budget; past it, each
        // customer's deactivation still waits for its own.
        await Task.WhenAll(inFlight).WaitAsync(cancellationToken);
    }

    private void Forget(Task<bool> done, object? customerId)
    {
        lock (_gate)
        {
            if (_inFlight.TryGetValue((string)customerId!, out var tail) && ReferenceEquals(tail, done))
            {
                _inFlight.Remove((string)customerId!);
            }
        }
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

using System.Collections.Concurrent;
using System.Threading.Channels;
using Engine.Contracts;
using Engine.Grains.Effects;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Sms;

/// <summary>Workers of the SMS dispatcher. Bound from "Sms:Dispatch".</summary>
public sealed class SmsDispatchOptions
{
    /// <summary>Gateway calls in flight at once.</summary>
    public int Workers { get; set; } = 4;
}

/// <summary>
/// Sends the SMS customer grains hand it: for each, the grain first decides the attempt and,
/// to send, marks it Sending in durable state and renders it (<c>BeginSmsSendAsync</c>), then one gateway attempt is made
/// and its answer goes back to the grain, which decides about retries. A message handed twice
/// is sent once, because only the first BeginSmsSend finds it pending. It stops before the
/// silo (registered after <c>UseOrleans</c>): stopping ends the taking of new messages, lets
/// the sends in flight finish while their grains can still record the answer, and leaves the
/// queued ones pending with their customers, whose wake-up hands them out again.
/// </summary>
public sealed partial class SmsDispatcher(
    IGrainFactory grains,
    ISmsGateway gateway,
    IOptions<SmsDispatchOptions> options,
    ILogger<SmsDispatcher> logger) : BackgroundService, ISmsOutlet
{
    private readonly Channel<(string CustomerId, string MessageId)> _queue = Channel.CreateUnbounded<(string, string)>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ConcurrentDictionary<string, byte> _queued = new(StringComparer.Ordinal);

    // Cancelled only when the host's stop budget runs out: then a send in flight is cut short
    // and its message, left Sending, is settled as unknown by the customer's next activation.
    private readonly CancellationTokenSource _abandon = new();

    /// <summary>Messages waiting for a worker.</summary>
    public int Backlog => _queued.Count;

    public void Submit(string customerId, string messageId)
    {
        if (_queued.TryAdd(messageId, 0))
        {
            _queue.Writer.TryWrite((customerId, messageId));
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using (cancellationToken.Register(_abandon.Cancel))
        {
            await base.StopAsync(cancellationToken);
        }

        if (Backlog > 0)
        {
            LogLeftQueued(Backlog);
        }
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.Workers)).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        try
        {
            // Checked before every message: a reader drains what is already queued without
            // looking at its token, and after the stop its grains would be gone.
            while (!stoppingToken.IsCancellationRequested && await reader.WaitToReadAsync(stoppingToken))
            {
                while (!stoppingToken.IsCancellationRequested && reader.TryRead(out var next))
                {
                    _queued.TryRemove(next.MessageId, out _);
                    await SendAsync(next.CustomerId, next.MessageId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(string customerId, string messageId)
    {
        try
        {
            // Inside the try: a message that cannot reach its customer is logged, and stops no other.
            var customer = grains.GetGrain<ICustomerGrain>(customerId);
            if (await customer.BeginSmsSendAsync(messageId) is not { } sms)
            {
                return;
            }

            var result = await gateway.SendAsync(new OutgoingSms(sms.MessageId, sms.CustomerId, sms.To, sms.Text, sms.Unicode, sms.Segments), _abandon.Token);
            await customer.CompleteSmsSendAsync(messageId, new SmsSendOutcome(result.Status, result.GatewayMessageId, result.Detail, gateway.Name));
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            // Out of time: a message marked Sending is settled as unknown by its next activation.
        }
        catch (Exception ex)
        {
            // The grain keeps the message: pending ones are handed out again by its wake-up.
            LogDispatchFailed(ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS dispatch failed ({ErrorType}); the customer grain keeps the message")]
    private partial void LogDispatchFailed(string errorType);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS dispatch stopped; {Count} queued messages stay pending with their customers for the next start")]
    private partial void LogLeftQueued(int count);
}

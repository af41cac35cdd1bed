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
/// Sends the SMS customer grains hand it: for each, the grain first marks it Sending in
/// durable state and renders it (<c>BeginSmsSendAsync</c>), then one gateway attempt is made
/// and its answer goes back to the grain, which decides about retries. A message handed twice
/// is sent once, because only the first BeginSmsSend finds it pending.
/// </summary>
public sealed partial class SmsDispatcher(
    IGrainFactory grains,
    ISmsGateway gateway,
    IOptions<SmsDispatchOptions> options,
    ILogger<SmsDispatcher> logger) : BackgroundService, ISmsOutlet
{
    private readonly Channel<(string CustomerId, string MessageId)> _queue = Channel.CreateUnbounded<(string, string)>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ConcurrentDictionary<string, byte> _queued = new(StringComparer.Ordinal);

    /// <summary>Messages waiting for a worker.</summary>
    public int Backlog => _queued.Count;

    public void Submit(string customerId, string messageId)
    {
        if (_queued.TryAdd(messageId, 0))
        {
            _queue.Writer.TryWrite((customerId, messageId));
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.Workers)).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (customerId, messageId) in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                _queued.TryRemove(messageId, out _);
                await SendAsync(customerId, messageId, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(string customerId, string messageId, CancellationToken stoppingToken)
    {
        var customer = grains.GetGrain<ICustomerGrain>(customerId);
        try
        {
            if (await customer.BeginSmsSendAsync(messageId) is not { } sms)
            {
                return;
            }

            var result = await gateway.SendAsync(new OutgoingSms(sms.MessageId, sms.CustomerId, sms.To, sms.Text, sms.Unicode, sms.Segments), stoppingToken);
            await customer.CompleteSmsSendAsync(messageId, new SmsSendOutcome(result.Status, result.GatewayMessageId, result.Detail, gateway.Name));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: a message marked Sending is settled as unknown by its next activation.
        }
        catch (Exception ex)
        {
            // The grain keeps the message: pending ones are handed out again by its wake-up.
            LogDispatchFailed(ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS dispatch failed ({ErrorType}); the customer grain keeps the message")]
    private partial void LogDispatchFailed(string errorType);
}

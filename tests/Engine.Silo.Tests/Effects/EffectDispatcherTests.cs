using System.Collections.Concurrent;
using Engine.Grains.Effects;
using Engine.Silo.Effects;
using Engine.Silo.Tests.Sms;
using Engine.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Engine.Silo.Tests.Effects;

/// <summary>
/// <see cref="EffectDispatcher"/>: a customer's changes reach the topic in the order handed
/// out, one customer's slow acknowledgement holds up no other customer, and every answer goes
/// back to the customer's grain.
/// </summary>
[Trait("Category", "Unit")]
public sealed class EffectDispatcherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_customers_changes_are_published_in_order_while_other_customers_go_at_once_and_each_answer_reaches_its_grain()
    {
        var topic = new GatedSegmentOutput();
        var (grains, calls) = RecordingGrainFactory.Create();
        var dispatcher = new EffectDispatcher(grains, new EffectPublishing(new UnusedTierOutput(), topic), NullLogger<EffectDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);

        dispatcher.Submit(Change("a", "a:segment-change:1"));
        dispatcher.Submit(Change("a", "a:segment-change:2"));
        dispatcher.Submit(Change("b", "b:segment-change:1"));

        // a's first waits for its acknowledgement: b's goes meanwhile, a's second waits behind a's first.
        await Eventually.Until(() => topic.Started.Count == 2, Timeout, "a's first and b's change started");
        Assert.Equal(["a:segment-change:1", "b:segment-change:1"], topic.Started.Order());
        topic.Acknowledge("b:segment-change:1");
        topic.Acknowledge("a:segment-change:1");
        await Eventually.Until(() => topic.Started.Count == 3, Timeout, "a's second started");
        topic.Acknowledge("a:segment-change:2");

        await Eventually.Until(() => calls.Count(c => c == nameof(Engine.Contracts.ICustomerGrain.CompleteEffectPublicationAsync)) == 3, Timeout, "three answers");
        Assert.Equal(["a:segment-change:1", "a:segment-change:2"], topic.Published.Where(id => id.StartsWith("a:", StringComparison.Ordinal)));
        await dispatcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_customers_publications_are_awaitable_from_hand_out_to_answer_so_its_next_silo_finds_the_record_instead_of_publishing_it_again()
    {
        var topic = new GatedSegmentOutput();
        var (grains, _) = RecordingGrainFactory.Create();
        var publishing = new EffectPublishing(new UnusedTierOutput(), topic);
        var ann = new EffectDispatcher(grains, publishing, NullLogger<EffectDispatcher>.Instance);
        var bob = new EffectDispatcher(grains, publishing, NullLogger<EffectDispatcher>.Instance);
        await ann.StartAsync(CancellationToken.None);
        await bob.StartAsync(CancellationToken.None);

        ann.Submit(Change("a", "a:segment-change:1"));
        ann.Submit(Change("a", "a:segment-change:2"));
        await Eventually.Until(() => topic.Started.Count == 1, Timeout, "a's first started");
        // The second is not started yet (it waits behind the first), and is waited for all the same.
        var leaving = ann.PublishedAsync("a");
        Assert.True(bob.PublishedAsync("a").IsCompleted);
        topic.Acknowledge("a:segment-change:1");
        await Eventually.Until(() => topic.Started.Count == 2, Timeout, "a's second started");
        Assert.False(leaving.IsCompleted);
        topic.Acknowledge("a:segment-change:2");
        await leaving.WaitAsync(Timeout);

        // Where the customer activates next, the change it finds Sending is looked up and found.
        bob.Submit(Change("a", "a:segment-change:2", lookUpFrom: 0));
        await bob.PublishedAsync("a").WaitAsync(Timeout);
        Assert.Equal(["a:segment-change:1", "a:segment-change:2"], topic.Published);
        await ann.StopAsync(CancellationToken.None);
        await bob.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_stopping_dispatcher_finishes_what_it_was_handed_and_takes_no_more()
    {
        var topic = new GatedSegmentOutput();
        var (grains, _) = RecordingGrainFactory.Create();
        var dispatcher = new EffectDispatcher(grains, new EffectPublishing(new UnusedTierOutput(), topic), NullLogger<EffectDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);
        dispatcher.Submit(Change("a", "a:segment-change:1"));
        await Eventually.Until(() => topic.Started.Count == 1, Timeout, "a's change started");

        var stopping = dispatcher.StopAsync(CancellationToken.None);
        dispatcher.Submit(Change("b", "b:segment-change:1"));
        Assert.False(stopping.IsCompleted);
        topic.Acknowledge("a:segment-change:1");
        await stopping.WaitAsync(Timeout);

        Assert.Equal(["a:segment-change:1"], topic.Published);
        Assert.Equal(["a:segment-change:1"], topic.Started);
    }

    private static EffectPublication Change(string customerId, string effectId, long? lookUpFrom = null) =>
        new(customerId, effectId, lookUpFrom, null, new SegmentChangeRecord(effectId, customerId, "new", true, "test", DateTimeOffset.UnixEpoch, null));

    /// <summary>A segment-changes topic whose acknowledgements the test gives, one record at a time.</summary>
    private sealed class GatedSegmentOutput : ISegmentChangeOutput
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _acks = new(StringComparer.Ordinal);

        public ConcurrentQueue<string> Started { get; } = new();

        public ConcurrentQueue<string> Published { get; } = new();

        public void Acknowledge(string effectId) => Ack(effectId).SetResult();

        public Task<long> MarkAsync(string customerId, CancellationToken cancellationToken = default) => Task.FromResult(0L);

        public async Task PublishAsync(SegmentChangeRecord record, CancellationToken cancellationToken = default)
        {
            Started.Enqueue(record.EffectId);
            await Ack(record.EffectId).Task;
            Published.Enqueue(record.EffectId);
        }

        public Task<bool> ContainsAsync(string customerId, string effectId, long fromPosition, CancellationToken cancellationToken = default) => Task.FromResult(Published.Contains(effectId));

        private TaskCompletionSource Ack(string effectId) => _acks.GetOrAdd(effectId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    private sealed class UnusedTierOutput : ITierChangeOutput
    {
        public Task<long> MarkAsync(string customerId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task PublishAsync(TierChangeRecord record, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> ContainsAsync(string customerId, string effectId, long fromPosition, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}

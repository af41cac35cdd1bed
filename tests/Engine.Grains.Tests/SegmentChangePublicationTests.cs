using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Segments;
using Engine.Domain.Value.Model;
using Engine.Grains.Customers;
using Engine.Grains.Effects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;

namespace Engine.Grains.Tests;

/// <summary>
/// Segment membership changes as the customer grain handles them, with its parts (batch
/// application, segment evaluation, store, publication) over fake storage, a fake dispatcher
/// and a fake topic: segments are evaluated once per write, a change leaves once its state is
/// durable, exactly once, never on a replay, and handing it out waits for no broker.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SegmentChangePublicationTests : IDisposable
{
    private const string Stream = "engagement.purchases/0";
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(T0);
    private readonly FakeSegmentChangeOutput _topic = new();
    private readonly FakeEffectOutlet _outlet = new();
    private readonly SegmentStatistics _statistics = new();
    private readonly CurrentValueModel _model = new();
    private readonly SegmentRules _rules = SegmentRules.From(new SegmentOptions());
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(CustomerState).Assembly)).BuildServiceProvider();
    private readonly Serializer _serializer;

    public SegmentChangePublicationTests() => _serializer = _services.GetRequiredService<Serializer>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task A_first_purchase_publishes_one_entered_record_for_the_new_segment_once_the_state_is_durable()
    {
        var customer = Load(new CustomerState { CustomerId = "c-1" });

        customer.Apply(Purchase("e-1", 1, 40m));
        // Not durable yet: nothing may leave.
        Assert.Equal(0, await customer.PublishAsync(writeFirst: false));
        Assert.Empty(_topic.Published);

        await customer.Store.WriteAsync();
        await customer.PublishAsync();

        var record = Assert.Single(_topic.Published);
        Assert.Equal(("c-1", "new", true, T0, false), (record.CustomerId, record.Segment, record.Entered, record.At, record.Historical));
        Assert.Contains("days_since_first_purchase 0", record.Reason, StringComparison.Ordinal);
        Assert.Null(record.ModelVersion);
        Assert.Equal(["new"], customer.Store.State.Segments.Current);
        Assert.Equal(1L, _statistics.Published[("new", "entered")]);
        // Published records leave the outbox: the SMS log keeps its room.
        Assert.DoesNotContain(customer.Store.State.Outbox.Messages, m => m.Kind == OutboxKind.SegmentChange);
    }

    [Fact]
    public async Task Batches_between_two_writes_are_evaluated_once_at_the_write_and_publish_the_membership_it_makes_durable()
    {
        var customer = Load(new CustomerState { CustomerId = "c-1" });

        customer.Apply(Purchase("e-1", 3, 40m));
        _clock.Advance(TimeSpan.FromSeconds(10));
        customer.Apply(Purchase("e-2", 2, 15m));
        _clock.Advance(TimeSpan.FromSeconds(10));
        customer.Apply(Purchase("e-3", 1, 25m));
        // Nothing evaluated per batch: no membership, no outbox record before the write.
        Assert.Null(customer.Store.State.Segments.EvaluatedAt);
        Assert.Empty(customer.Store.State.Outbox.Messages);

        await customer.Store.WriteAsync();
        await customer.PublishAsync();

        Assert.Equal(T0 + TimeSpan.FromSeconds(20), customer.Store.State.Segments.EvaluatedAt);
        var record = Assert.Single(_topic.Published);
        Assert.Equal(("new", true, T0 + TimeSpan.FromSeconds(20)), (record.Segment, record.Entered, record.At));
        // Written again with nothing new applied: nothing evaluated, nothing more published.
        customer.Store.Unsaved.Changed(_clock.GetUtcNow());
        await customer.Store.WriteAsync();
        await customer.PublishAsync();
        Assert.Single(_topic.Published);
    }

    [Fact]
    public async Task A_durable_change_is_handed_to_the_dispatcher_without_waiting_for_the_broker_and_handed_once_while_in_flight()
    {
        var customer = Load(new CustomerState { CustomerId = "c-1" });
        customer.Apply(Purchase("e-1", 1, 40m));
        await customer.Store.WriteAsync();

        await customer.Publication.PublishOpenAsync(customer.Store.State, customer.Store.WriteAsync);
        await customer.Publication.PublishOpenAsync(customer.Store.State, customer.Store.WriteAsync);

        // Handed out, not published by the grain: the broker's answer comes back later.
        var handed = Assert.Single(_outlet.Submitted);
        Assert.Null(handed.LookUpFrom);
        Assert.Empty(_topic.Published);
        Assert.False(customer.Publication.HasWaiting(customer.Store.State));
        Assert.Contains(customer.Store.State.Outbox.Messages, m => m.Id == handed.EffectId && m.Status == OutboxStatus.Sending);

        Assert.Equal(1, await _outlet.DeliverAsync(new EffectPublishing(new FakeTierChangeOutput(), _topic), customer.Publication, customer.Store.State));
        Assert.Single(_topic.Published);
        Assert.DoesNotContain(customer.Store.State.Outbox.Messages, m => m.Kind == OutboxKind.SegmentChange);
    }

    [Fact]
    public async Task A_change_whose_publish_failed_stays_open_and_is_looked_up_before_it_is_handed_out_again()
    {
        var customer = await HandedOutAsync(Load(new CustomerState { CustomerId = "c-1" }));
        var handed = Assert.Single(_outlet.Submitted);
        _outlet.Submitted.Clear();

        Assert.False(customer.Publication.Completed(customer.Store.State, handed.EffectId, published: false));
        Assert.True(customer.Publication.HasWaiting(customer.Store.State));
        await customer.PublishAsync();

        Assert.Equal([handed.EffectId], _topic.LookedUp);
        Assert.Single(_topic.Published);
    }

    [Fact]
    public async Task A_customer_deactivating_with_a_change_still_at_the_dispatcher_leaves_only_once_it_is_on_the_topic_and_is_not_published_again_where_it_activates_next()
    {
        var storage = new FakeCustomerStorage(new CustomerState()) { Stored = new CustomerState { CustomerId = "c-1" } };
        var old = await HandedOutAsync(Load(storage));
        Assert.Single(_outlet.Submitted);
        // What storage holds: the answer that finishes the change rides a later write, never made.
        var durable = Copy(storage.Stored!);

        // The partition moved: the old activation deactivates while the broker has not answered.
        var leaving = old.Publication.LeaveAsync("c-1", CancellationToken.None);
        Assert.False(leaving.IsCompleted);
        await _outlet.DeliverAsync(old.Publishing, old.Publication, old.Store.State);
        await leaving.WaitAsync(TimeSpan.FromSeconds(10));

        // The next activation finds the change Sending and looks it up.
        var next = Load(new FakeCustomerStorage(durable) { Stored = durable });
        Assert.Contains(next.Store.State.Outbox.Messages, m => m.Kind == OutboxKind.SegmentChange && m.Status == OutboxStatus.Sending);
        await next.PublishAsync();

        var record = Assert.Single(_topic.Published);
        Assert.Equal([record.EffectId], _topic.LookedUp);
        Assert.DoesNotContain(next.Store.State.Outbox.Messages, m => m.Kind == OutboxKind.SegmentChange);
    }

    [Fact]
    public async Task A_deactivation_whose_budget_runs_out_stops_waiting_for_the_broker()
    {
        var customer = await HandedOutAsync(Load(new CustomerState { CustomerId = "c-1" }));
        using var budget = new CancellationTokenSource();

        var leaving = customer.Publication.LeaveAsync("c-1", budget.Token);
        Assert.False(leaving.IsCompleted);
        await budget.CancelAsync();

        await leaving.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(_topic.Published);
    }

    [Fact]
    public async Task Evaluating_again_with_no_change_and_redelivering_the_same_events_publish_nothing_more()
    {
        var customer = Load(new CustomerState { CustomerId = "c-1" });
        var batch = Purchase("e-1", 1, 40m);
        customer.Apply(batch);
        await customer.Store.WriteAsync();
        await customer.PublishAsync();

        _clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(0, customer.Evaluation.Record(customer.Store.State, _clock.GetUtcNow(), historical: false));
        var (report, _) = EventBatchApplication.Apply(customer.Store.State, batch, new CustomerRules());
        Assert.Equal(0, report.Applied);
        Assert.Equal(0, customer.Evaluation.Record(customer.Store.State, _clock.GetUtcNow(), historical: false));
        await customer.PublishAsync();

        Assert.Single(_topic.Published);
    }

    [Fact]
    public async Task A_change_lost_in_a_crash_is_decided_again_from_the_redelivered_events_and_published_once()
    {
        var storage = new FakeCustomerStorage(new CustomerState()) { Stored = new CustomerState { CustomerId = "c-1" } };
        var first = Load(storage);
        first.Apply(Purchase("e-1", 1, 40m));
        // The silo dies before the write: nothing was published, the events are re-delivered.
        var second = Load(storage);
        second.Apply(Purchase("e-1", 1, 40m));
        await second.Store.WriteAsync();
        var durable = Copy(storage.Stored!);
        await second.PublishAsync();
        // And again after the publish, before its completion was written: looked up, not repeated.
        var third = Load(new FakeCustomerStorage(durable) { Stored = durable });
        await third.PublishAsync();

        var record = Assert.Single(_topic.Published);
        Assert.Equal("c-1:segment-change:1", record.EffectId);
        Assert.Equal([record.EffectId], _topic.LookedUp);
    }

    [Fact]
    public async Task As_time_passes_the_daily_evaluation_publishes_the_customer_leaving_with_why()
    {
        var customer = Load(new CustomerState { CustomerId = "c-1" });
        customer.Apply(Purchase("e-1", 1, 40m));
        await customer.Store.WriteAsync();
        await customer.PublishAsync();
        Assert.Equal(T0 + TimeSpan.FromDays(1), customer.Evaluation.NextCheck(customer.Store.State, _clock.GetUtcNow()));

        _clock.Advance(TimeSpan.FromDays(31));
        Assert.True(customer.Evaluation.Record(customer.Store.State, _clock.GetUtcNow(), historical: false) > 0);
        await customer.Store.WriteAsync();
        await customer.PublishAsync();

        var left = Assert.Single(_topic.Published, r => r.Segment == "new" && !r.Entered);
        Assert.Equal("days_since_first_purchase 31 (not days_since_first_purchase <= 30)", left.Reason);
        Assert.DoesNotContain("new", customer.Store.State.Segments.Current);
        Assert.Equal(1L, _statistics.Published[("new", "left")]);
    }

    [Fact]
    public async Task Changes_decided_by_a_backfill_are_published_marked_historical()
    {
        var customer = Load(new CustomerState { CustomerId = "c-1" });
        var batch = Purchase("e-1", 1, 40m, backfill: true);

        customer.Apply(batch);
        await customer.Store.WriteAsync();
        await customer.PublishAsync();

        Assert.True(Assert.Single(_topic.Published).Historical);
    }

    [Fact]
    public async Task The_record_carries_the_model_version_its_forecast_came_from()
    {
        _model.Update(new ValueModel(7, T0, 7, new BgNbdParameters(0.243, 4.414, 0.793, 2.426), new GammaGammaParameters(6.25, 3.74, 15.44), "test", 100, -1, -1), T0);
        var customer = Load(new CustomerState { CustomerId = "c-1" });

        customer.Apply(Purchase("e-1", 1, 40m));
        await customer.Store.WriteAsync();
        await customer.PublishAsync();

        Assert.Equal(7, Assert.Single(_topic.Published).ModelVersion);
    }

    [Fact]
    public void A_customer_who_never_bought_nor_showed_up_has_no_daily_evaluation()
    {
        var customer = Load(new CustomerState { CustomerId = "c-1" });

        Assert.Null(customer.Evaluation.NextCheck(customer.Store.State, T0));
    }

    /// <summary>A first purchase, written: its segment change is handed to the dispatcher (not delivered).</summary>
    private static async Task<Customer> HandedOutAsync(Customer customer)
    {
        customer.Apply(Purchase("e-1", 1, 40m));
        await customer.Store.WriteAsync();
        await customer.Publication.PublishOpenAsync(customer.Store.State, customer.Store.WriteAsync);
        return customer;
    }

    private Customer Load(CustomerState state) => Load(new FakeCustomerStorage(Copy(state)) { Stored = state });

    /// <summary>A new activation: it reads what the storage holds.</summary>
    private Customer Load(FakeCustomerStorage storage)
    {
        storage.State = Copy(storage.Stored!);
        var tierChanges = new FakeTierChangeOutput();
        var publication = new TierChangePublication(tierChanges, _topic, _outlet, _clock, new LoyaltyStatistics(), _statistics, NullLogger<TierChangePublication>.Instance);
        var evaluation = new SegmentEvaluation(_rules, Options.Create(new SegmentOptions()), _model, Options.Create(new ValueForecastOptions()), Options.Create(new CustomerRules()), _clock);
        var store = new CustomerStore(storage, new(MaxUnsavedEvents: 200, TimeSpan.FromMinutes(1), TimeSpan.Zero), publication, evaluation, new CustomerStateWrites(), new LoyaltyStatistics(), NullLogger.Instance);
        store.Loaded();
        return new Customer(store, publication, evaluation, _outlet, new EffectPublishing(tierChanges, _topic), _clock);
    }

    // Through the serializer, as grain storage keeps it: the stored state is not the object an activation changes.
    private CustomerState Copy(CustomerState state) => _serializer.Deserialize<CustomerState>(_serializer.SerializeToArray(state)) ?? throw new InvalidOperationException("the state did not read back");

    private static EventBatch Purchase(string id, long offset, decimal amount, bool backfill = false) => new([new SequencedEvent(
        new PurchaseEvent { EventId = id, CustomerId = "c-1", OccurredAt = T0.AddSeconds(-offset), OrderId = "o-" + id, Amount = amount, Currency = "USD", Items = [], Backfill = backfill },
        new EventPosition(Stream, offset))]);

    private sealed record Customer(CustomerStore Store, TierChangePublication Publication, SegmentEvaluation Evaluation, FakeEffectOutlet Outlet, EffectPublishing Publishing, TimeProvider Clock)
    {
        /// <summary>As the grain applies a batch: the events, and if any applied, the segments marked for evaluation at the next write.</summary>
        public void Apply(EventBatch batch)
        {
            var (report, changed) = EventBatchApplication.Apply(Store.State, batch, new CustomerRules());
            Store.Unsaved.EventsApplied(changed, Clock.GetUtcNow());
            if (report.Applied > 0)
            {
                Evaluation.EventsApplied(backfill: batch.Events.All(e => e.Event.Backfill));
            }
        }

        /// <summary>As the grain settles once durable, and the dispatcher then answers; returns how many answers changed the state.</summary>
        public async Task<int> PublishAsync(bool writeFirst = true)
        {
            if (!writeFirst && Store.Unsaved.Any)
            {
                return 0;
            }

            await Publication.PublishOpenAsync(Store.State, Store.WriteAsync);
            return await Outlet.DeliverAsync(Publishing, Publication, Store.State);
        }
    }
}

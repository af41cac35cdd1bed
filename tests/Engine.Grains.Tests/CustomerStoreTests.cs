using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Segments;
using Engine.Domain.Value.Model;
using Engine.Grains.Customers;
using Engine.Grains.Effects;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;

namespace Engine.Grains.Tests;

/// <summary><see cref="CustomerStore"/>: durable watermarks, unsaved changes, and the reload after a concurrent writer.</summary>
[Trait("Category", "Unit")]
public sealed class CustomerStoreTests
{
    private const string Stream = "engagement.purchases/3";
    private const string TierChangeId = "c-1:tier-change:1";
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(T0);
    private readonly FakeTierChangeOutput _output = new();
    private readonly FakeSegmentChangeOutput _segmentOutput = new();
    private readonly FakeEffectOutlet _outlet = new();
    private readonly CustomerStateWrites _writes = new();
    private readonly LoyaltyStatistics _loyalty = new();

    [Fact]
    public async Task A_write_makes_the_applied_watermarks_durable_and_clears_what_was_unsaved()
    {
        var (store, storage, _) = Loaded(Customer("Silver", offset: 5));
        AppliedInMemory(store, offset: 9);
        Assert.Equal((5, 9), Watermarks(store));

        await store.WriteAsync();

        Assert.Equal((9, 9), Watermarks(store));
        Assert.False(store.Unsaved.Any);
        Assert.Equal((1, 1L, 0L), (storage.Writes, _writes.Succeeded, _writes.Failed));
    }

    [Fact]
    public async Task A_concurrent_writer_reloads_the_state_forgets_what_was_unsaved_and_reports_the_conflict()
    {
        var (store, storage, _) = Loaded(Customer("Silver", offset: 5));
        AppliedInMemory(store, offset: 9);
        var theirs = Customer("Gold", offset: 7);
        storage.Stored = theirs;
        storage.FailNextWrite(FakeCustomerStorage.Conflict());

        await Assert.ThrowsAsync<InconsistentStateException>(store.WriteAsync);

        Assert.Same(theirs, store.State);
        Assert.False(store.Unsaved.Any);
        // Applied 7 where 9 were given: the ingestion's next batch or checkpoint sees the gap and re-delivers.
        Assert.Equal((7, 7), Watermarks(store));
        Assert.Equal((0L, 1L), (_writes.Succeeded, _writes.Failed));
        Assert.Equal((0L, 1L), (_loyalty.ActiveCustomersByTier["Silver"], _loyalty.ActiveCustomersByTier["Gold"]));
    }

    [Fact]
    public async Task Discarding_after_a_rules_failure_reads_the_durable_state_again_and_forgets_what_was_unsaved()
    {
        var (store, storage, _) = Loaded(Customer("Silver", offset: 5));
        storage.Stored = Customer("Silver", offset: 5);
        AppliedInMemory(store, offset: 9);
        store.State.Value.LifetimeSpend = 123m;

        await store.DiscardUnsavedAsync();

        Assert.Equal(0m, store.State.Value.LifetimeSpend);
        Assert.False(store.Unsaved.Any);
        Assert.Equal((5, 5), Watermarks(store));
        Assert.Equal(0, storage.Writes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_reload_that_finds_no_record_keeps_the_customers_id(bool conflict)
    {
        var (store, storage, _) = Loaded(Customer("Silver", offset: 5));
        var id = store.State.CustomerId;
        AppliedInMemory(store, offset: 9);
        // No record in storage: the reload gives a fresh state.
        storage.Stored = null;

        if (conflict)
        {
            storage.FailNextWrite(FakeCustomerStorage.Conflict());
            await Assert.ThrowsAsync<InconsistentStateException>(store.WriteAsync);
        }
        else
        {
            await store.DiscardUnsavedAsync();
        }

        Assert.Equal(0, store.State.Value.Orders);
        Assert.Equal(id, store.State.CustomerId);
    }

    [Fact]
    public async Task A_state_that_could_not_be_read_again_after_a_rules_failure_is_never_written()
    {
        var (store, storage, _) = Loaded(Customer("Silver", offset: 5));
        AppliedInMemory(store, offset: 9);
        storage.FailNextRead(new TimeoutException("storage down"));

        await Assert.ThrowsAsync<TimeoutException>(store.DiscardUnsavedAsync);
        store.Unsaved.EventsApplied(1, T0);
        await store.UnloadAsync(siloStopping: false);

        Assert.Equal(0, storage.Writes);
    }

    [Fact]
    public async Task A_write_marks_new_tier_changes_so_the_same_write_records_where_to_look_for_them()
    {
        var state = Customer("Silver", offset: 5);
        AddTierChange(state, OutboxStatus.Pending);
        var (store, storage, publication) = Loaded(state);
        store.Unsaved.EffectsDecided(1, T0);

        await store.WriteAsync();

        var written = storage.Stored!.Outbox.Find(TierChangeId)!;
        Assert.Equal((OutboxStatus.Sending, 100L), (written.Status, written.ProbeFrom));
        // Marked by this activation: its first publish needs no look-up.
        await publication.PublishOpenAsync(store.State, store.WriteAsync);
        Assert.Equal(1, await _outlet.DeliverAsync(new EffectPublishing(_output, _segmentOutput), publication, store.State));
        Assert.Empty(_output.LookedUp);
        Assert.Equal(TierChangeId, Assert.Single(_output.Published).EffectId);
    }

    [Fact]
    public async Task After_a_reload_a_tier_change_marked_before_the_conflict_is_looked_up_before_it_is_published()
    {
        var state = Customer("Silver", offset: 5);
        AddTierChange(state, OutboxStatus.Pending);
        var (store, storage, publication) = Loaded(state);
        store.Unsaved.EffectsDecided(1, T0);
        // The other activation wrote the same tier change, marked; it may have published it.
        var theirs = Customer("Silver", offset: 5);
        AddTierChange(theirs, OutboxStatus.Sending).ProbeFrom = 90;
        storage.Stored = theirs;
        storage.FailNextWrite(FakeCustomerStorage.Conflict());

        await Assert.ThrowsAsync<InconsistentStateException>(store.WriteAsync);
        await publication.PublishOpenAsync(store.State, store.WriteAsync);
        await _outlet.DeliverAsync(new EffectPublishing(_output, _segmentOutput), publication, store.State);

        Assert.Equal([TierChangeId], _output.LookedUp);
    }

    [Fact]
    public async Task A_failed_write_keeps_what_was_unsaved_for_the_next_one()
    {
        var (store, storage, _) = Loaded(Customer("Silver", offset: 5));
        AppliedInMemory(store, offset: 9);
        storage.FailNextWrite(new TimeoutException());

        await store.TryWriteAsync(rethrowConflict: false);

        Assert.True(store.Unsaved.Any);
        Assert.Equal((5, 9), Watermarks(store));
        Assert.Equal((0L, 1L), (_writes.Succeeded, _writes.Failed));

        await store.TryWriteAsync(rethrowConflict: false);
        Assert.Equal((9, 9), Watermarks(store));
    }

    [Fact]
    public async Task A_conflict_is_passed_on_only_when_asked()
    {
        var (store, storage, _) = Loaded(Customer("Silver", offset: 5));
        storage.Stored = Customer("Silver", offset: 5);
        storage.FailNextWrite(FakeCustomerStorage.Conflict());
        await store.TryWriteAsync(rethrowConflict: false);

        storage.FailNextWrite(FakeCustomerStorage.Conflict());
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.TryWriteAsync(rethrowConflict: true));

        // A flush reports it through the watermarks, not as an error.
        AppliedInMemory(store, offset: 9);
        storage.Stored = Customer("Silver", offset: 5);
        storage.FailNextWrite(FakeCustomerStorage.Conflict());
        await store.WriteUnsavedAsync();
        Assert.Equal((5, 5), Watermarks(store));
    }

    [Theory]
    [InlineData(true, true, 0)]
    [InlineData(true, false, 1)]
    [InlineData(false, true, 1)]
    public async Task At_the_silos_stop_unsaved_events_are_left_for_redelivery_while_other_changes_are_written(bool siloStopping, bool events, int writes)
    {
        var (store, storage, _) = Loaded(Customer("Silver", offset: 5));
        if (events)
        {
            AppliedInMemory(store, offset: 9);
        }
        else
        {
            store.Unsaved.Changed(T0);
        }

        await store.UnloadAsync(siloStopping);

        Assert.Equal(writes, storage.Writes);
        Assert.Equal(0L, _loyalty.ActiveCustomersByTier["Silver"]);
    }

    private (CustomerStore Store, FakeCustomerStorage Storage, TierChangePublication Publication) Loaded(CustomerState state)
    {
        var storage = new FakeCustomerStorage(state);
        var publication = new TierChangePublication(_output, _segmentOutput, _outlet, _clock, _loyalty, new SegmentStatistics(), NullLogger<TierChangePublication>.Instance);
        var segments = new SegmentEvaluation(
            SegmentRules.From(new SegmentOptions()), Options.Create(new SegmentOptions()), new CurrentValueModel(), Options.Create(new ValueForecastOptions()), Options.Create(new CustomerRules()), _clock);
        var store = new CustomerStore(storage, new(MaxUnsavedEvents: 200, TimeSpan.FromMinutes(1), TimeSpan.Zero), publication, segments, _writes, _loyalty, NullLogger.Instance);
        store.Loaded();
        Assert.Equal(1L, _loyalty.ActiveCustomersByTier[state.Loyalty.Tier!]);
        return (store, storage, publication);
    }

    private static CustomerState Customer(string tier, long offset)
    {
        var state = new CustomerState { CustomerId = "c-1" };
        state.Loyalty.Tier = tier;
        state.Progress.Watermarks[Stream] = offset;
        return state;
    }

    private static OutboxMessage AddTierChange(CustomerState state, OutboxStatus status)
    {
        var message = new OutboxMessage
        {
            Id = TierChangeId,
            Kind = OutboxKind.TierChange,
            Status = status,
            CreatedAt = T0,
            TierChange = new TierChangeNotice("Bronze", "Silver", "threshold", T0, IsUpgrade: true),
        };
        Assert.True(state.Outbox.Add(message));
        return message;
    }

    private static void AppliedInMemory(CustomerStore store, long offset)
    {
        var events = (int)(offset - store.State.Progress.WatermarkOf(Stream));
        store.State.Progress.Watermarks[Stream] = offset;
        store.Unsaved.EventsApplied(events, T0);
    }

    private static (long Durable, long Applied) Watermarks(CustomerStore store)
    {
        var report = store.Report();
        return (report.DurableWatermarks[Stream], report.AppliedWatermarks[Stream]);
    }
}

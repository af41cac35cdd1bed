using Engine.Domain.Customers;
using Engine.Grains.Customers;
using Engine.Grains.Effects;
using Orleans.Storage;

namespace Engine.Grains.Tests;

/// <summary>
/// Grain storage for one customer: writes succeed unless a failure is queued; a read loads
/// <see cref="Stored"/>, what the storage holds (set by a test as another activation's write).
/// </summary>
internal sealed class FakeCustomerStorage(CustomerState state) : IPersistentState<CustomerState>
{
    private readonly Queue<Exception> _failures = new();

    public CustomerState State { get; set; } = state;

    public CustomerState? Stored { get; set; }


    public int Writes { get; private set; }

    public int Reads { get; private set; }

    public string? Etag => null;

    public bool RecordExists => Writes > 0;

    public void FailNextWrite(Exception exception) => _failures.Enqueue(exception);

    private Exception? _readFailure;

    public void FailNextRead(Exception exception) => _readFailure = exception;

    public Task WriteStateAsync()
    {
        if (_failures.TryDequeue(out var failure))
        {
            return Task.FromException(failure);
        }

        Writes++;
        Stored = State;
        return Task.CompletedTask;
    }

    public Task ReadStateAsync()
    {
        if (_readFailure is { } failure)
        {
            _readFailure = null;
            return Task.FromException(failure);
        }

        Reads++;
        State = Stored ?? new CustomerState();
        return Task.CompletedTask;
    }

    public Task ClearStateAsync() => throw new NotSupportedException();

    public static InconsistentStateException Conflict() => new("another activation wrote first");
}

/// <summary>The tier-change topic: records what is published, and says whether a record is there.</summary>
internal sealed class FakeTierChangeOutput : ITierChangeOutput
{
    private long _position = 100;

    public List<TierChangeRecord> Published { get; } = [];

    public List<string> LookedUp { get; } = [];

    public Task<long> MarkAsync(string customerId, CancellationToken cancellationToken = default) => Task.FromResult(_position);

    public Task PublishAsync(TierChangeRecord record, CancellationToken cancellationToken = default)
    {
        Published.Add(record);
        _position++;
        return Task.CompletedTask;
    }

    public Task<bool> ContainsAsync(string customerId, string effectId, long fromPosition, CancellationToken cancellationToken = default)
    {
        LookedUp.Add(effectId);
        return Task.FromResult(Published.Any(r => r.EffectId == effectId));
    }
}

/// <summary>The segment-changes topic: records what is published, and says whether a record is there.</summary>
internal sealed class FakeSegmentChangeOutput : ISegmentChangeOutput
{
    private long _position = 500;

    public List<SegmentChangeRecord> Published { get; } = [];

    public List<string> LookedUp { get; } = [];

    public Task<long> MarkAsync(string customerId, CancellationToken cancellationToken = default) => Task.FromResult(_position);

    public Task PublishAsync(SegmentChangeRecord record, CancellationToken cancellationToken = default)
    {
        Published.Add(record);
        _position++;
        return Task.CompletedTask;
    }

    public Task<bool> ContainsAsync(string customerId, string effectId, long fromPosition, CancellationToken cancellationToken = default)
    {
        LookedUp.Add(effectId);
        return Task.FromResult(Published.Any(r => r.EffectId == effectId));
    }
}

/// <summary>
/// The effect dispatcher's queue: what was handed out, in order. <see cref="DeliverAsync"/>
/// does what the silo's dispatcher does with it: looks up and publishes through
/// <see cref="EffectPublishing"/>, then gives the customer the answer.
/// </summary>
internal sealed class FakeEffectOutlet : IEffectOutlet
{
    // Completed at each delivery: what was handed out before it has its answer.
    private TaskCompletionSource _delivered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<EffectPublication> Submitted { get; } = [];

    public void Submit(EffectPublication publication) => Submitted.Add(publication);

    public Task PublishedAsync(string customerId) => Submitted.Any(p => p.CustomerId == customerId) ? _delivered.Task : Task.CompletedTask;

    /// <summary>Publishes everything handed out so far; returns how many answers changed the customer's state.</summary>
    public async Task<int> DeliverAsync(EffectPublishing publishing, TierChangePublication publication, CustomerState state)
    {
        var handed = Submitted.ToList();
        Submitted.Clear();
        var delivered = _delivered;
        _delivered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            return await PublishAsync(handed, publishing, publication, state);
        }
        finally
        {
            delivered.SetResult();
        }
    }

    private static async Task<int> PublishAsync(List<EffectPublication> handed, EffectPublishing publishing, TierChangePublication publication, CustomerState state)
    {
        var changed = 0;
        foreach (var next in handed)
        {
            bool published;
            try
            {
                await publishing.PublishAsync(next);
                published = true;
            }
            catch (InvalidOperationException)
            {
                published = false;
            }

            changed += publication.Completed(state, next.EffectId, published) ? 1 : 0;
        }

        return changed;
    }
}

/// <summary>The SMS dispatcher's queue: what was handed out, in order.</summary>
internal sealed class FakeSmsOutlet : ISmsOutlet
{
    public List<string> Submitted { get; } = [];

    public void Submit(string customerId, string messageId) => Submitted.Add(messageId);
}

/// <summary>The grain's wake-up reminder: records registrations; can be stopping or failing.</summary>
internal sealed class FakeWakeUpReminder : IWakeUpReminder
{
    public bool SiloTerminating { get; set; }

    public Exception? Failure { get; set; }

    public List<string> Calls { get; } = [];

    public Task RegisterAsync(TimeSpan dueIn, TimeSpan period)
    {
        Calls.Add($"register in {dueIn}, every {period}");
        return Failure is null ? Task.CompletedTask : Task.FromException(Failure);
    }

    public Task UnregisterAsync()
    {
        Calls.Add("unregister");
        return Failure is null ? Task.CompletedTask : Task.FromException(Failure);
    }
}

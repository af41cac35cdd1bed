namespace Engine.Domain.Processing;

/// <summary>
/// What a customer holds only in memory, and when it must be written: the write-behind policy.
/// Events wait until the oldest is <see cref="WriteBehindLimits.MaxUnsavedAge"/> old (one write
/// then takes them all, so database writes per event fall as the age grows); an effect (a tier
/// change, an SMS to send) waits at most <see cref="WriteBehindLimits.MaxEffectDelay"/>, because
/// it leaves only once durable; other bookkeeping (a delivery report, a publication mark) waits
/// as events do. Too many unsaved changes write at once. Pure: the grain asks it after every
/// change and sets its own timer for <see cref="WriteDueAt"/>.
/// </summary>
public sealed class UnsavedChanges(WriteBehindLimits limits)
{
    private DateTimeOffset? _eventsSince;
    private DateTimeOffset? _effectsSince;
    private DateTimeOffset? _othersSince;

    /// <summary>Unsaved changes of any kind (events, effects, bookkeeping).</summary>
    public int Count { get; private set; }

    /// <summary>Unsaved applied events.</summary>
    public int Events { get; private set; }

    public bool Any => Count > 0;

    /// <summary>An effect is decided but not yet durable, so it has not left.</summary>
    public bool EffectsWaiting => _effectsSince is not null;

    public void EventsApplied(int count, DateTimeOffset now)
    {
        if (count <= 0)
        {
            return;
        }

        _eventsSince ??= now;
        Events += count;
        Count += count;
    }

    public void EffectsDecided(int count, DateTimeOffset now)
    {
        if (count <= 0)
        {
            return;
        }

        _effectsSince ??= now;
        Count += count;
    }

    /// <summary>A change that is neither an event nor an effect.</summary>
    public void Changed(DateTimeOffset now)
    {
        _othersSince ??= now;
        Count++;
    }

    /// <summary>Everything in memory is now durable.</summary>
    public void Written()
    {
        Count = 0;
        Events = 0;
        _eventsSince = null;
        _effectsSince = null;
        _othersSince = null;
    }

    /// <summary>When the customer must write; <see cref="DateTimeOffset.MinValue"/>: at once; null: nothing to write.</summary>
    public DateTimeOffset? WriteDueAt()
    {
        if (Count == 0)
        {
            return null;
        }

        if (Count >= limits.MaxUnsavedEvents)
        {
            return DateTimeOffset.MinValue;
        }

        DateTimeOffset? due = null;
        void Consider(DateTimeOffset? since, TimeSpan wait)
        {
            if (since is { } s && (due is null || s + wait < due))
            {
                due = s + wait;
            }
        }

        Consider(_effectsSince, limits.MaxEffectDelay);
        Consider(_eventsSince, limits.MaxUnsavedAge);
        Consider(_othersSince, limits.MaxUnsavedAge);
        return due;
    }

    public bool IsWriteDue(DateTimeOffset now) => WriteDueAt() is { } due && due <= now;
}

/// <summary>The write-behind's limits (the silo binds them from "WriteBehind").</summary>
/// <param name="MaxUnsavedEvents">Unsaved changes after which the customer writes at once.</param>
/// <param name="MaxUnsavedAge">How long events and bookkeeping may stay unsaved.</param>
/// <param name="MaxEffectDelay">How long an effect may wait for its write; zero: at once.</param>
public sealed record WriteBehindLimits(int MaxUnsavedEvents, TimeSpan MaxUnsavedAge, TimeSpan MaxEffectDelay);

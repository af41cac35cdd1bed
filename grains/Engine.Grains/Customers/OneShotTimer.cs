namespace Engine.Grains.Customers;

/// <summary>
/// A grain timer that fires once at a moment that may be moved: registered the first time,
/// changed after that, and never moved later while it is set (an earlier need wins; one whose
/// moment has passed is about to run, and looks again when it does).
/// </summary>
internal sealed class OneShotTimer
{
    private IGrainTimer? _timer;

    /// <summary>When it fires, while it is set.</summary>
    public DateTimeOffset? At { get; private set; }

    /// <summary>
    /// Sets it to fire <paramref name="delay"/> after <paramref name="now"/> (at once if negative),
    /// unless it is set to fire sooner; <paramref name="register"/> makes the grain timer the first time.
    /// </summary>
    public void FireIn(TimeSpan delay, DateTimeOffset now, Func<TimeSpan, IGrainTimer> register)
    {
        delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        if (At is { } at && at <= now + delay)
        {
            return;
        }

        At = now + delay;
        if (_timer is null)
        {
            _timer = register(delay);
        }
        else
        {
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Called first thing when it fires.</summary>
    public void Fired() => At = null;
}

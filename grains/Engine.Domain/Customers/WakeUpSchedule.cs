namespace Engine.Domain.Customers;

/// <summary>What to do with a customer's durable wake-up reminder.</summary>
public enum WakeUpAction
{
    /// <summary>The registered reminder already fires in time: every registration is a database write.</summary>
    Keep,
    Register,
    Unregister,
}

/// <summary>A change to the wake-up reminder: when it first fires and how often after that.</summary>
public readonly record struct WakeUpChange(WakeUpAction Action, DateTimeOffset? At, TimeSpan Period)
{
    public static WakeUpChange Keep { get; } = new(WakeUpAction.Keep, null, TimeSpan.Zero);
}

/// <summary>
/// Decides when a customer's wake-up reminder is registered again. A reminder row is written
/// on every registration, so it moves only when work falls due earlier than it fires, or once
/// it has fired; one that fires too early costs a look and a re-registration, no more.
/// </summary>
public static class WakeUpSchedule
{
    /// <summary>Due times closer than this to the registered one count as the same.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(1);

    /// <summary>Safety net while messages wait to go: a missed tick is skipped, so look again soon.</summary>
    public static readonly TimeSpan OpenWorkPeriod = TimeSpan.FromMinutes(1);

    /// <summary>Safety net otherwise.</summary>
    public static readonly TimeSpan IdlePeriod = TimeSpan.FromDays(1);

    /// <param name="registered">When the registered reminder fires next (null: none registered).</param>
    /// <param name="due">When the customer next has work (null: none).</param>
    /// <param name="openWork">Messages are waiting to go.</param>
    /// <param name="now">The current time.</param>
    public static WakeUpChange Decide(DateTimeOffset? registered, DateTimeOffset? due, bool openWork, DateTimeOffset now)
    {
        // A registration whose time has passed has fired (or is firing): when it fires next
        // depends on its period, so it is replaced or removed rather than trusted.
        var fired = registered is { } r && r <= now;
        if (due is not { } next)
        {
            return fired ? new WakeUpChange(WakeUpAction.Unregister, null, TimeSpan.Zero) : WakeUpChange.Keep;
        }

        if (registered is { } at && !fired && at <= next + Tolerance)
        {
            return WakeUpChange.Keep;
        }

        var first = next - now < Tolerance ? now + Tolerance : next;
        return new WakeUpChange(WakeUpAction.Register, first, openWork ? OpenWorkPeriod : IdlePeriod);
    }
}

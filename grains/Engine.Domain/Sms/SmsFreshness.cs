namespace Engine.Domain.Sms;

/// <summary>
/// How long after the moment it speaks of a message may still leave (section
/// <c>Sms:Policy:Freshness</c>). A congratulation a day late, or a cart reminder for a cart
/// abandoned last month, reads as a mistake: past the window it is suppressed as stale.
/// Points-expiry reminders need no window: they are fresh until the expiry itself.
/// </summary>
public sealed class SmsFreshness
{
    /// <summary>After the deciding event's <c>occurredAt</c>.</summary>
    public TimeSpan TierUpgrade { get; set; } = TimeSpan.FromHours(24);

    /// <summary>After the downgrade fell due.</summary>
    public TimeSpan TierDowngrade { get; set; } = TimeSpan.FromHours(24);

    /// <summary>After the reminder step fell due (and only while the cart is still open).</summary>
    public TimeSpan CartAbandoned { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The window of a trigger, or null when it has none.</summary>
    public TimeSpan? WindowOf(SmsTrigger trigger) => trigger switch
    {
        SmsTrigger.TierUpgrade => TierUpgrade,
        SmsTrigger.TierDowngrade => TierDowngrade,
        SmsTrigger.CartAbandoned => CartAbandoned,
        _ => null,
    };

    public IEnumerable<string> Validate()
    {
        foreach (var (name, window) in new[] { ("TierUpgrade", TierUpgrade), ("TierDowngrade", TierDowngrade), ("CartAbandoned", CartAbandoned) })
        {
            if (window <= TimeSpan.Zero)
            {
                yield return $"Sms:Policy:Freshness:{name} must be positive, got {window:c}.";
            }
        }
    }
}

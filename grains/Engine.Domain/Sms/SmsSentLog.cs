namespace Engine.Domain.Sms;

/// <summary>
/// The SMS that went out and have left the outbox's message log, kept only as far back as a
/// policy reads them: marketing sends for the frequency caps (a week of local calendar days,
/// so <see cref="Window"/> of the newest instant seen) and the newest HELP reply for the reply
/// limit. The outbox moves a sent message here when it prunes it, so pruning the log never
/// shortens what the caps count. Persisted inside the outbox: field ids are permanent.
/// </summary>
[GenerateSerializer, Alias("engine.SmsSentLog")]
public sealed class SmsSentLog
{
    /// <summary>
    /// How far back marketing sends are kept: the week cap counts today and the six local days
    /// before, which all start less than seven days before now; one day more for safety.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(8);

    /// <summary>UTC ticks of marketing sends within <see cref="Window"/>, ascending (about 9 bytes each).</summary>
    [Id(0)] public List<long> MarketingSentTicks { get; set; } = [];

    /// <summary>UTC ticks of the newest HELP reply sent, 0 for none.</summary>
    [Id(1)] public long LastHelpSentTicks { get; set; }

    /// <summary>The newest instant the log was told about: entries older than <see cref="Window"/> before it are gone.</summary>
    [Id(2)] public long ClockTicks { get; set; }

    /// <summary>Remembers a send whose message leaves the outbox, and forgets what no policy reads any more as of <paramref name="now"/>.</summary>
    public void Record(SmsTrigger trigger, DateTimeOffset sentAt, DateTimeOffset now)
    {
        var ticks = sentAt.UtcTicks;
        if (trigger == SmsTrigger.Help)
        {
            LastHelpSentTicks = Math.Max(LastHelpSentTicks, ticks);
        }
        else if (SmsTriggers.KindOf(trigger) == SmsKind.Marketing)
        {
            var index = MarketingSentTicks.BinarySearch(ticks);
            MarketingSentTicks.Insert(index < 0 ? ~index : index, ticks);
        }

        Forget(now);
    }

    /// <summary>Drops marketing sends older than <see cref="Window"/> before the newest instant seen.</summary>
    public void Forget(DateTimeOffset now)
    {
        ClockTicks = Math.Max(ClockTicks, now.UtcTicks);
        var oldest = ClockTicks - Window.Ticks;
        var expired = MarketingSentTicks.FindIndex(t => t >= oldest);
        MarketingSentTicks.RemoveRange(0, expired < 0 ? MarketingSentTicks.Count : expired);
    }

    /// <summary>
    /// The sends as the policy reads them. A marketing send is reported as a
    /// <see cref="SmsTrigger.PointsExpiring"/> one: the caps read only the kind.
    /// </summary>
    public IEnumerable<SentSms> Sent()
    {
        for (var i = 0; i < MarketingSentTicks.Count; i++)
        {
            yield return new SentSms($"sent-log:{i}", SmsTrigger.PointsExpiring, new DateTimeOffset(MarketingSentTicks[i], TimeSpan.Zero));
        }

        if (LastHelpSentTicks > 0)
        {
            yield return new SentSms("sent-log:help", SmsTrigger.Help, new DateTimeOffset(LastHelpSentTicks, TimeSpan.Zero));
        }
    }
}

using Engine.Domain.Effects;
using Engine.Domain.Sms;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Domain.Tests;

/// <summary>
/// The frequency caps and the HELP reply limit read the outbox's messages plus the compact
/// sent-log of the ones it pruned: whatever the pruning, they decide as if every send were remembered.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SmsSentLogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 6, 0, 0, TimeSpan.Zero);
    private static readonly string[] Zones = ["UTC", "America/Los_Angeles", "Europe/Paris", "Pacific/Kiritimati"];

    [Property(MaxTest = 80)]
    public Property Caps_from_the_outbox_and_its_sent_log_equal_caps_from_the_full_history() =>
        Prop.ForAll(
            Gen.ListOf(
                from trigger in Gen.Choose(0, SmsTriggers.All.Count - 1)
                from minutes in Gen.Choose(1, 3 * 24 * 60)
                from wentOut in Gen.Elements(true, true, false)
                select (trigger, minutes, wentOut)).ToArbitrary(),
            (from zone in Gen.Choose(0, Zones.Length - 1)
             from perDay in Gen.Choose(1, 3)
             from perWeek in Gen.Choose(1, 8)
             from helpHours in Gen.Choose(1, 20 * 24)
             select (zone, perDay, perWeek, helpHours)).ToArbitrary(),
            (sends, setting) =>
            {
                var (zoneIndex, perDay, perWeek, helpHours) = setting;
                var zone = new SmsZone(Zones[zoneIndex], TimeZoneInfo.FindSystemTimeZoneById(Zones[zoneIndex]));
                var caps = new SmsCaps { MaxPerDay = perDay, MaxPerWeek = perWeek };
                var helpInterval = TimeSpan.FromHours(helpHours);
                var outbox = new Outbox();
                var history = new List<SentSms>();
                var now = T0;
                var problems = new List<string>();
                for (var i = 0; i < sends.Count; i++)
                {
                    var (triggerIndex, minutes, wentOut) = sends[i];
                    var trigger = SmsTriggers.All[triggerIndex];
                    now = now.AddMinutes(minutes);
                    var message = Message($"m-{i}", trigger, now);
                    outbox.Add(message);
                    if (wentOut)
                    {
                        message.SentAt = now;
                        history.Add(new SentSms(message.Id, trigger, now));
                    }

                    outbox.Complete(message, wentOut ? OutboxStatus.Done : OutboxStatus.Suppressed, now.AddSeconds(1));

                    // Decide at a few instants after this send, as a later attempt would.
                    foreach (var later in new[] { now.AddMinutes(1), now.AddHours(13), now.AddDays(3), now.AddDays(7) })
                    {
                        var full = new FrequencyCap(history, zone, caps).Check(later, SmsTrigger.CartAbandoned);
                        var compact = new FrequencyCap(outbox.Sent(), zone, caps).Check(later, SmsTrigger.CartAbandoned);
                        var fullHelp = history.Any(s => s.Trigger == SmsTrigger.Help && s.SentAt > later - helpInterval);
                        var compactHelp = outbox.Sent().Any(s => s.Trigger == SmsTrigger.Help && s.SentAt > later - helpInterval);
                        if (full != compact || fullHelp != compactHelp)
                        {
                            problems.Add($"after send {i} at {later:o}: cap {full}/{compact}, help {fullHelp}/{compactHelp}");
                        }
                    }
                }

                return (problems.Count == 0).Label(string.Join("; ", problems.Take(3)));
            });

    [Fact]
    public void A_pruned_send_is_counted_until_it_is_older_than_the_caps_read()
    {
        var outbox = new Outbox();
        var first = Message("cart-1", SmsTrigger.CartAbandoned, T0);
        outbox.Add(first);
        first.SentAt = T0;
        outbox.Complete(first, OutboxStatus.Done, T0);
        for (var i = 0; i < Outbox.FinishedCapacity; i++)
        {
            var other = Message($"tier-{i}", SmsTrigger.TierUpgrade, T0.AddMinutes(i + 1));
            outbox.Add(other);
            outbox.Complete(other, OutboxStatus.Suppressed, T0.AddMinutes(i + 1));
        }

        Assert.Null(outbox.Find("cart-1"));
        Assert.Equal([T0.UtcTicks], outbox.SentLog.MarketingSentTicks);

        outbox.SentLog.Forget(T0 + SmsSentLog.Window + TimeSpan.FromTicks(1));
        Assert.Empty(outbox.SentLog.MarketingSentTicks);
    }

    [Fact]
    public void Only_the_newest_help_reply_is_kept_however_old()
    {
        var log = new SmsSentLog();
        log.Record(SmsTrigger.Help, T0, T0);
        log.Record(SmsTrigger.Help, T0.AddHours(2), T0.AddHours(2));
        log.Record(SmsTrigger.OptOutConfirmation, T0.AddHours(3), T0.AddDays(30));

        var sent = Assert.Single(log.Sent());
        Assert.Equal(SmsTrigger.Help, sent.Trigger);
        Assert.Equal(T0.AddHours(2), sent.SentAt);
    }

    private static OutboxMessage Message(string id, SmsTrigger trigger, DateTimeOffset at) => new()
    {
        Id = id,
        Kind = OutboxKind.Sms,
        CreatedAt = at,
        Sms = new SmsRequest(SmsTriggers.Key(trigger), SmsTriggers.KindOf(trigger) == SmsKind.Transactional, new Dictionary<string, string>()),
    };
}

using System.Diagnostics;
using Engine.Domain.Effects;

namespace Engine.Integration.Tests;

public sealed partial class SmsEndToEndTests
{
    /// <summary>
    /// SIGTERM in the middle of a stream of upgrade texts: the stop takes no new events, lets
    /// the gateway calls in flight finish and record their answers, commits every event it
    /// applied, then stops Orleans. After the restart nothing is re-delivered (the group's
    /// commit is at the end of every partition), no text went out twice and none is Unknown.
    /// </summary>
    [Fact]
    public async Task A_SIGTERM_while_texts_are_in_flight_commits_what_was_applied_and_leaves_no_text_unknown()
    {
        await using var setting = await Setting.StartDurableAsync();
        var shoppers = Enumerable.Range(0, 150).Select(i => Shopper.New($"term{i:D3}")).ToList();
        await setting.ProduceProfilesAsync(shoppers);

        await setting.ProducePurchasesAsync(shoppers, 300m, 300m);
        await setting.Until(() => setting.Kannel.ReceivedMessages.Count >= shoppers.Count / 3, TimeSpan.FromMinutes(1), "a third of the upgrade texts at the fake SMSC");
        var stopping = Stopwatch.StartNew();
        var exitCode = await setting.Silo.StopAsync(TimeSpan.FromMinutes(3));
        var stoppedIn = stopping.Elapsed;
        var stoppedAt = DateTimeOffset.UtcNow;
        var arrivedAtStop = setting.Kannel.ReceivedMessages.Count;

        Assert.Equal(0, exitCode);
        Assert.True(
            KafkaOffsets.GroupCaughtUp(setting.BootstrapServers, setting.GroupId, setting.Topics.Inbound, setting.Partitions),
            "the final checkpoint left events uncommitted, to be re-delivered:\n" + setting.Silo.Output);

        await setting.RestartSiloAsync();
        var settled = await setting.Until(
            async () =>
            {
                await setting.Kannel.RestartSmsboxIfExitedAsync();
                return await setting.UpgradeSmsAsync(shoppers);
            },
            all => all.Count == shoppers.Count && all.All(m => !m.IsOpen),
            TimeSpan.FromMinutes(2), "every upgrade SMS to leave Pending and Sending");
        await setting.WaitUntilKannelIdleAsync();

        var received = setting.Kannel.ReceivedMessages;
        var duplicates = received.GroupBy(m => m.To).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        Assert.True(duplicates.Count == 0, "sent twice: " + string.Join(", ", duplicates));
        Assert.Equal(shoppers.Count, settled.Select(m => m.Id).Distinct().Count());
        Assert.True(settled.All(m => m.Status == OutboxStatus.Done), "not all sent: " + settled);
        Assert.Equal(shoppers.Count, received.Count);
        output.WriteLine(
            $"stopped in {stoppedIn.TotalSeconds:F1} s with {arrivedAtStop} texts at the fake SMSC; {settled.Count(m => m.SentAt < stoppedAt)} handed to Kannel before the stop, "
            + $"{settled.Count(m => m.SentAt > stoppedAt)} after the restart; smsbox restarted {setting.Kannel.SmsboxRestarts} times");
    }
}

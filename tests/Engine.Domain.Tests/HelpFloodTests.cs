using Engine.Domain.Effects;
using Engine.Domain.Sms;
using static Engine.Domain.Tests.SmsCustomer;

namespace Engine.Domain.Tests;

/// <summary>A HELP flood over a customer's state, as the grain and dispatcher run it: one reply per hour.</summary>
[Trait("Category", "Unit")]
public sealed class HelpFloodTests
{
    private static readonly DateTimeOffset Daytime = Local(Paris, 2026, 11, 23, 11);

    [Fact]
    public void Twenty_helps_within_an_hour_get_one_reply_and_the_rest_are_counted_as_withheld()
    {
        var state = Reachable();
        var sent = new List<DateTimeOffset>();
        var withheld = 0;
        for (var i = 0; i < 20; i++)
        {
            var at = Daytime.AddMinutes(i * 3);
            Assert.True(SmsPlanning.Receive(state, $"kannel-{i}", "HELP", at));
            foreach (var message in SmsPlanning.Due(state, at).ToList())
            {
                var decision = SmsPlanning.DecideAttempt(state, message, at, new SmsPolicyOptions());
                if (decision.IsSend)
                {
                    // As BeginSmsSend and a taken send do.
                    message.Status = OutboxStatus.Sending;
                    message.SentAt = at;
                    state.Outbox.Complete(message, OutboxStatus.Done, at);
                    sent.Add(at);
                }
                else if (decision.Outcome == SmsOutcome.Suppress && decision.Reason == SmsSuppressionReasons.ReplyLimited)
                {
                    withheld++;
                }
            }
        }

        Assert.Equal([Daytime], sent);
        Assert.Equal(19, withheld);
    }

    [Fact]
    public void A_help_after_the_hour_is_answered_again()
    {
        var state = Reachable();
        foreach (var (id, at) in new[] { ("kannel-a", Daytime), ("kannel-b", Daytime.AddMinutes(30)), ("kannel-c", Daytime.AddMinutes(61)) })
        {
            SmsPlanning.Receive(state, id, "HELP", at);
            foreach (var message in SmsPlanning.Due(state, at).ToList())
            {
                if (SmsPlanning.DecideAttempt(state, message, at, new SmsPolicyOptions()).IsSend)
                {
                    message.Status = OutboxStatus.Sending;
                    message.SentAt = at;
                    state.Outbox.Complete(message, OutboxStatus.Done, at);
                }
            }
        }

        Assert.Equal([Daytime, Daytime.AddMinutes(61)], state.Outbox.Messages.Where(m => m.Status == OutboxStatus.Done).Select(m => m.SentAt!.Value).Order());
    }
}

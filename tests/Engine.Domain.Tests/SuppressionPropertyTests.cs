using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Sms;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Domain.Tests;

/// <summary>
/// Random histories of one handset shared by 1 to 3 customers: inbound STOP, START, HELP and
/// other words (retried callbacks among them), customers claiming the number late, profiles
/// opting in again on their own, marketing triggers. Whenever the number's last instruction
/// is an opt-out, no marketing SMS is sent to any of them, and each STOP that changed the
/// number's consent is confirmed at most once.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SuppressionPropertyTests
{
    private static readonly DateTimeOffset Start = SmsCustomer.Local(SmsCustomer.Paris, 2026, 11, 23, 9);
    private static readonly SmsPolicyOptions Policy = new() { Caps = new SmsCaps { MaxPerDay = 100, MaxPerWeek = 500 } };

    private enum Step
    {
        Inbound,
        RetryLastInbound,
        Claim,
        ProfileOptIn,
        Marketing,
    }

    private sealed record Op(Step Step, int Customer, string Text, int Minutes)
    {
        public override string ToString() => $"{Step}(c{Customer}, \"{Text}\", +{Minutes}m)";
    }

    private sealed record Scenario(int Customers, Op[] Ops)
    {
        public override string ToString() => $"{Customers} customers: {string.Join("; ", Ops.AsEnumerable())}";
    }

    private static Gen<Scenario> Scenarios()
    {
        var op =
            from step in Gen.Elements(Step.Inbound, Step.Inbound, Step.Inbound, Step.RetryLastInbound, Step.Claim, Step.ProfileOptIn, Step.Marketing, Step.Marketing, Step.Marketing)
            from customer in Gen.Choose(0, 2)
            from text in Gen.Elements("STOP", "stop please", "Unsubscribe", "START", "yes", "HELP", "info", "hello", "", "stopping")
            from minutes in Gen.Elements(0, 1, 7, 30, 90)
            select new Op(step, customer, text, minutes);
        return
            from customers in Gen.Choose(1, 3)
            from ops in Gen.ListOf(op)
            select new Scenario(customers, [.. ops]);
    }

    [Property(MaxTest = 300)]
    public Property No_marketing_goes_to_a_number_whose_last_instruction_was_an_opt_out() =>
        Prop.ForAll(Scenarios().ToArbitrary(), scenario =>
        {
            var entry = new SuppressionEntry();
            var customers = Enumerable.Range(0, scenario.Customers).Select(i =>
            {
                var state = SmsCustomer.Reachable();
                state.CustomerId = $"c-{i}";
                return state;
            }).ToArray();
            var claimed = new bool[customers.Length];
            var now = Start;
            var inbound = 0;
            string? lastText = null;
            var confirmationsOwed = 0;
            var triggers = 0;

            void Claim(int i)
            {
                if (claimed[i])
                {
                    return;
                }

                SuppressionList.Claim(entry, customers[i].CustomerId);
                SmsPlanning.NumberClaimed(customers[i], customers[i].Profile.Phone, entry.Latest, now);
                claimed[i] = true;
            }

            void Receive(string id, string text)
            {
                var outcome = SuppressionList.Receive(entry, id, text, now, Policy.HelpReplyInterval);
                confirmationsOwed += outcome.IsNew && outcome.Instruction.Reply == SmsTrigger.OptOutConfirmation ? 1 : 0;
                for (var i = 0; i < customers.Length; i++)
                {
                    if (claimed[i])
                    {
                        SmsPlanning.ReceiveFromNumber(customers[i], outcome.Instruction);
                    }
                }
            }

            foreach (var op in scenario.Ops)
            {
                now = now.AddMinutes(op.Minutes);
                var i = op.Customer % customers.Length;
                switch (op.Step)
                {
                    case Step.Inbound:
                        lastText = op.Text;
                        Receive($"gw-{++inbound}", op.Text);
                        break;
                    case Step.RetryLastInbound when lastText is not null:
                        Receive($"gw-{inbound}", lastText);
                        break;
                    case Step.Claim:
                        Claim(i);
                        break;
                    case Step.ProfileOptIn:
                        // A later profile event opts the customer in on its own (a web form).
                        customers[i].Profile.SmsConsent = new SmsConsent(ConsentStatus.OptedIn, "web-form", now);
                        break;
                    case Step.Marketing:
                        // The grain claims the number as soon as the profile is applied, before any trigger.
                        Claim(i);
                        var message = SmsCustomer.Queue(customers[i], SmsTrigger.CartAbandoned, now, instance: $"m{++triggers}");
                        var decision = SmsPlanning.DecideAttempt(customers[i], message, now, Policy);
                        if (SuppressionList.IsSuppressed(entry.Latest))
                        {
                            Assert.NotEqual(SmsOutcome.Send, decision.Outcome);
                        }

                        if (decision.Outcome == SmsOutcome.Send)
                        {
                            message.SentAt = now;
                            customers[i].Outbox.Complete(message, OutboxStatus.Done, now, null);
                        }

                        break;
                }
            }

            var confirmations = customers.Sum(c => SmsCustomer.Messages(c, SmsTrigger.OptOutConfirmation).Count);
            Assert.True(confirmations <= confirmationsOwed, $"{confirmations} confirmations for {confirmationsOwed} opt-outs");
        });
}

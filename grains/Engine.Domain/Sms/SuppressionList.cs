using Engine.Domain.Events;

namespace Engine.Domain.Sms;

/// <summary>What an inbound message did to a number: the instruction, whether it is new, and a keyword reply withheld.</summary>
public sealed record NumberInboundOutcome(NumberInstruction Instruction, bool IsNew, SmsTrigger? Withheld);

/// <summary>
/// The rules of consent per phone number. A STOP suppresses the number for every customer
/// who holds it, now or later; a START from the number lifts it. Replies go once per handset:
/// one confirmation per change of the number's consent (a repeated STOP gets none), one HELP
/// answer per <see cref="SmsPolicyOptions.HelpReplyInterval"/>, sent by one of its customers.
/// </summary>
public static class SuppressionList
{
    /// <summary>How many inbound ids a number remembers for retried callbacks.</summary>
    public const int RecentInbound = 16;

    /// <summary>Whether the number's latest instruction forbids marketing.</summary>
    public static bool IsSuppressed(SmsConsent? latest) => latest?.Status == ConsentStatus.OptedOut;

    /// <summary>Adds the customer to the number's holders (idempotent); returns whether the entry changed.</summary>
    public static bool Claim(SuppressionEntry entry, string customerId)
    {
        var at = entry.Customers.BinarySearch(customerId, StringComparer.Ordinal);
        if (at >= 0)
        {
            return false;
        }

        entry.Customers.Insert(~at, customerId);
        return true;
    }

    /// <summary>Removes the customer from the holders (idempotent). The number's consent stays: it belongs to the handset.</summary>
    public static bool Release(SuppressionEntry entry, string customerId) =>
        entry.Customers.Remove(customerId);

    /// <summary>
    /// Decides an inbound message once per gateway id (a repeat returns the first decision):
    /// STOP records an opt-out, START an opt-in, each at <paramref name="receivedAt"/> (the
    /// engine's clock) with <see cref="SmsInbound.ConsentSource"/>; the reply goes to the
    /// first holder (ordinal), or nowhere while nobody holds the number.
    /// </summary>
    public static NumberInboundOutcome Receive(SuppressionEntry entry, string gatewayMessageId, string? text, DateTimeOffset receivedAt, TimeSpan helpReplyInterval) =>
        Receive(entry, gatewayMessageId, text, receivedAt, new SmsPolicyOptions { HelpReplyInterval = helpReplyInterval });

    /// <summary>
    /// As above, with the configured keywords (<see cref="SmsPolicyOptions.Keywords"/>) and
    /// reply limits. A message about the texts that is neither in nor out (<see cref="SmsKeyword.Unclear"/>)
    /// gets one clarification per <see cref="SmsPolicyOptions.ClarificationReplyInterval"/>,
    /// and none while the number is suppressed (there is nothing left to stop).
    /// </summary>
    public static NumberInboundOutcome Receive(SuppressionEntry entry, string gatewayMessageId, string? text, DateTimeOffset receivedAt, SmsPolicyOptions policy)
    {
        if (entry.Recent.Find(r => r.GatewayMessageId == gatewayMessageId) is { } known)
        {
            return new NumberInboundOutcome(known, IsNew: false, Withheld: null);
        }

        var helpReplyInterval = policy.HelpReplyInterval;
        var keyword = SmsKeywords.Parse(text, policy.Keywords);
        SmsConsent? consent = null;
        SmsTrigger? reply = null;
        SmsTrigger? withheld = null;
        if (keyword is SmsKeyword.Stop or SmsKeyword.Start)
        {
            var status = keyword == SmsKeyword.Stop ? ConsentStatus.OptedOut : ConsentStatus.OptedIn;
            var confirmation = keyword == SmsKeyword.Stop ? SmsTrigger.OptOutConfirmation : SmsTrigger.OptInConfirmation;
            // A keyword that changes nothing is not confirmed again, so an auto-reply cannot start a loop;
            // it is still handed on, so a holder who drifted (a later profile opt-in) follows the handset.
            var changed = entry.Latest?.Status != status;
            if (changed)
            {
                entry.Latest = new SmsConsent(status, SmsInbound.ConsentSource, receivedAt);
            }

            consent = entry.Latest;
            if (changed)
            {
                reply = confirmation;
            }
            else
            {
                withheld = confirmation;
            }
        }
        else if (keyword == SmsKeyword.Help)
        {
            if (helpReplyInterval > TimeSpan.Zero && entry.LastHelpReplyAt is { } last && receivedAt - last < helpReplyInterval)
            {
                withheld = SmsTrigger.Help;
            }
            else
            {
                reply = SmsTrigger.Help;
                entry.LastHelpReplyAt = receivedAt;
            }
        }
        else if (keyword == SmsKeyword.Unclear && !IsSuppressed(entry.Latest))
        {
            var interval = policy.ClarificationReplyInterval;
            if (interval > TimeSpan.Zero && entry.LastClarificationAt is { } last && receivedAt - last < interval)
            {
                withheld = SmsTrigger.Clarification;
            }
            else
            {
                reply = SmsTrigger.Clarification;
                entry.LastClarificationAt = receivedAt;
            }
        }

        var instruction = new NumberInstruction(gatewayMessageId, keyword, receivedAt, consent, reply, reply is null ? null : entry.Customers.FirstOrDefault());
        if (entry.Recent.Count >= RecentInbound)
        {
            entry.Recent.RemoveAt(0);
        }

        entry.Recent.Add(instruction);
        return new NumberInboundOutcome(instruction, IsNew: true, withheld);
    }
}

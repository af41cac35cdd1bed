using Engine.Domain.Customers;
using Engine.Domain.Events;
using Engine.Domain.Loyalty;
using Engine.Domain.Sms;

namespace Engine.Domain.Effects;

/// <summary>
/// Applies the SMS policy to the customer's outbox: which pending messages are due, whether
/// an attempt sends, waits (quiet hours, backoff) or is suppressed, and what an inbound
/// keyword or a consent change does to them. Pure: the grain's send protocol calls it.
/// </summary>
public static class SmsPlanning
{
    /// <summary>Trigger key of an admin test message; its template is named in the request's data.</summary>
    public const string TestTrigger = "test";

    /// <summary>
    /// The pending SMS whose due time has come, to hand to the dispatcher. A selection, not a
    /// decision: the policy decides each one once, when its send is attempted
    /// (<see cref="DecideAttempt"/>), since consent, phone or points may change in between.
    /// </summary>
    public static IReadOnlyList<OutboxMessage> Due(CustomerState state, DateTimeOffset now) =>
        [.. state.Outbox.Open(OutboxKind.Sms).Where(m => m.Status == OutboxStatus.Pending && DueAt(m) <= now)];

    /// <summary>
    /// The decision of one send attempt, applied: a suppression completes the message with its
    /// reason, a deferral moves its due time; a send leaves it Pending for the caller to mark Sending.
    /// </summary>
    public static SmsDecision DecideAttempt(CustomerState state, OutboxMessage message, DateTimeOffset now, SmsPolicyOptions options, LoyaltyRules? loyalty = null)
    {
        var decision = Decide(state, message, now, options, loyalty);
        switch (decision.Outcome)
        {
            case SmsOutcome.Defer:
                message.DueAt = decision.At;
                break;
            case SmsOutcome.Suppress when decision.Reason == SmsSuppressionReasons.Stale:
                var reason = SmsStaleness.ReasonOf(state, message, now, options.Freshness, loyalty) ?? StaleReasons.TooLate;
                state.Outbox.Complete(message, OutboxStatus.Suppressed, now, SmsStaleness.Detail(reason));
                break;
            case SmsOutcome.Suppress:
                state.Outbox.Complete(message, OutboxStatus.Suppressed, now, decision.Reason);
                break;
        }

        return decision;
    }

    /// <summary>The policy's verdict on one message, as of now.</summary>
    public static SmsDecision Decide(CustomerState state, OutboxMessage message, DateTimeOffset now, SmsPolicyOptions options, LoyaltyRules? loyalty = null)
    {
        var trigger = TriggerOf(message);
        var candidate = new SmsCandidate(message.Id, trigger, message.CreatedAt, DueAt(message), IsStale(state, message, now, options.Freshness, loyalty));
        var sent = state.Outbox.Sent(exceptId: message.Id).ToList();
        var pending = state.Outbox.Open(OutboxKind.Sms)
            .Where(m => m.Status == OutboxStatus.Pending && m.Id != message.Id)
            .Select(m => new SmsCandidate(m.Id, TriggerOf(m), m.CreatedAt, DueAt(m), IsStale(state, m, now, options.Freshness, loyalty)))
            .ToList();
        var contact = CustomerContact.From(state.Profile);
        if (IsNumberSuppressed(state))
        {
            // The handset said STOP: whatever this customer's profile says, nothing but keyword replies goes to it.
            contact = contact with { Consent = ConsentStatus.OptedOut };
        }

        return SmsPolicy.Decide(candidate, contact, new SmsHistory(sent, pending), now, options);
    }

    /// <summary>
    /// Handles an inbound message once per gateway id: consent changes, pending messages are
    /// cancelled on STOP, and the reply (if any) is queued. Returns false for a repeat.
    /// </summary>
    public static bool Receive(CustomerState state, string gatewayMessageId, string text, DateTimeOffset receivedAt, SmsKeywordOptions? keywords = null)
    {
        if (!RememberInbound(state, gatewayMessageId))
        {
            return false;
        }

        // STOP cancels marketing and any earlier keyword reply still waiting, so its confirmation is the last word.
        var pending = state.Outbox.Open(OutboxKind.Sms)
            .Where(m => m.Status == OutboxStatus.Pending
                && (SmsTriggers.KindOf(TriggerOf(m)) == SmsKind.Marketing || SmsTriggers.IsKeywordReply(TriggerOf(m))))
            .Select(m => new SmsCandidate(m.Id, TriggerOf(m), m.CreatedAt, DueAt(m)));
        var outcome = SmsInbound.Handle(text, state.Profile.SmsConsent?.Status ?? ConsentStatus.Unknown, pending, receivedAt, keywords);
        if (outcome.NewConsent is { } consent)
        {
            state.Profile.SmsConsent = consent;
        }

        foreach (var id in outcome.CancelPending)
        {
            if (state.Outbox.Find(id) is { IsOpen: true } message)
            {
                state.Outbox.Complete(message, OutboxStatus.Cancelled, receivedAt, SmsSuppressionReasons.OptedOut);
            }
        }

        if (outcome.Reply is { } reply)
        {
            Queue(state, $"{state.CustomerId}:{SmsTriggers.Key(reply)}:{gatewayMessageId}", SmsTriggers.Key(reply), receivedAt, transactional: true);
        }

        return true;
    }

    /// <summary>
    /// Applies what an inbound message decided for the number this customer holds, once per
    /// gateway id: the number's consent becomes the customer's too (a STOP opts out and
    /// cancels pending marketing and earlier keyword replies), and the reply is queued only
    /// when the number named this customer to send it. Returns false for a repeat.
    /// </summary>
    public static bool ReceiveFromNumber(CustomerState state, NumberInstruction instruction)
    {
        if (!RememberInbound(state, instruction.GatewayMessageId))
        {
            return false;
        }

        if (instruction.Consent is { } consent)
        {
            state.NumberConsent = consent;
            FollowNumber(state, consent, instruction.ReceivedAt, cancelReplies: true);
        }

        if (instruction.Reply is { } reply && instruction.ReplyBy == state.CustomerId)
        {
            Queue(state, $"{state.CustomerId}:{SmsTriggers.Key(reply)}:{instruction.GatewayMessageId}", SmsTriggers.Key(reply), instruction.ReceivedAt, transactional: true);
        }

        return true;
    }

    /// <summary>
    /// The customer now holds <paramref name="number"/>, whose latest instruction is
    /// <paramref name="latest"/>: a number opted out before this customer claimed it starts
    /// the customer opted out (unless the profile's own opt-out is already on record).
    /// </summary>
    public static void NumberClaimed(CustomerState state, string? number, SmsConsent? latest, DateTimeOffset now)
    {
        state.ClaimedNumber = number;
        state.NumberConsent = latest;
        if (latest is { Status: ConsentStatus.OptedOut })
        {
            FollowNumber(state, latest, now, cancelReplies: false);
        }
    }

    /// <summary>Whether the number the customer holds is suppressed (its latest instruction is an opt-out).</summary>
    public static bool IsNumberSuppressed(CustomerState state) =>
        state.ClaimedNumber is not null && state.ClaimedNumber == state.Profile.Phone && SuppressionList.IsSuppressed(state.NumberConsent);

    private static void FollowNumber(CustomerState state, SmsConsent consent, DateTimeOffset at, bool cancelReplies)
    {
        if (state.Profile.SmsConsent?.Status != consent.Status)
        {
            state.Profile.SmsConsent = consent;
        }

        if (consent.Status != ConsentStatus.OptedOut)
        {
            return;
        }

        foreach (var message in state.Outbox.Open(OutboxKind.Sms)
            .Where(m => m.Status == OutboxStatus.Pending
                && (SmsTriggers.KindOf(TriggerOf(m)) == SmsKind.Marketing || (cancelReplies && SmsTriggers.IsKeywordReply(TriggerOf(m)))))
            .ToList())
        {
            state.Outbox.Complete(message, OutboxStatus.Cancelled, at, SmsSuppressionReasons.OptedOut);
        }
    }

    private static bool RememberInbound(CustomerState state, string gatewayMessageId)
    {
        if (state.RecentInboundSms.Contains(gatewayMessageId))
        {
            return false;
        }

        if (state.RecentInboundSms.Count >= 16)
        {
            state.RecentInboundSms.RemoveAt(0);
        }

        state.RecentInboundSms.Add(gatewayMessageId);
        return true;
    }

    /// <summary>Records a consent decision (admin or API); opting out cancels pending marketing.</summary>
    public static void SetConsent(CustomerState state, bool optedIn, string source, DateTimeOffset at)
    {
        state.Profile.SmsConsent = new SmsConsent(optedIn ? ConsentStatus.OptedIn : ConsentStatus.OptedOut, source, at);
        if (optedIn)
        {
            return;
        }

        foreach (var message in state.Outbox.Open(OutboxKind.Sms).Where(m => m.Status == OutboxStatus.Pending && SmsTriggers.KindOf(TriggerOf(m)) == SmsKind.Marketing).ToList())
        {
            state.Outbox.Complete(message, OutboxStatus.Cancelled, at, SmsSuppressionReasons.OptedOut);
        }
    }

    /// <summary>Adds an SMS request to the outbox (idempotent by id).</summary>
    public static bool Queue(CustomerState state, string id, string trigger, DateTimeOffset at, bool transactional, IReadOnlyDictionary<string, string>? data = null) =>
        state.Outbox.Add(new OutboxMessage
        {
            Id = id,
            Kind = OutboxKind.Sms,
            CreatedAt = at,
            DueAt = at,
            Sms = new SmsRequest(trigger, transactional, data ?? new Dictionary<string, string>()),
        });

    /// <summary>
    /// Sends back a message whose send failed transiently, to try again after an exponential,
    /// jittered delay; gives up after <paramref name="maxAttempts"/>.
    /// </summary>
    public static void RetryLater(CustomerState state, OutboxMessage message, DateTimeOffset now, int maxAttempts, TimeSpan firstDelay, TimeSpan maxDelay, double jitter, string? detail)
    {
        message.Attempts++;
        message.SentAt = null;
        if (message.Attempts >= maxAttempts)
        {
            state.Outbox.Complete(message, OutboxStatus.Failed, now, detail ?? "gave up after transient failures");
            return;
        }

        var delay = Math.Min(maxDelay.TotalMilliseconds, firstDelay.TotalMilliseconds * Math.Pow(2, message.Attempts - 1));
        message.Status = OutboxStatus.Pending;
        message.Detail = detail;
        message.DueAt = now.AddMilliseconds(delay * (0.5 + 0.5 * Math.Clamp(jitter, 0, 1)));
    }

    /// <summary>The trigger of an SMS message; a test message counts as <see cref="SmsTrigger.Test"/>.</summary>
    public static SmsTrigger TriggerOf(OutboxMessage message) =>
        SmsTriggers.TryParseKey(message.Sms?.Trigger, out var trigger) ? trigger : SmsTrigger.Test;

    /// <summary>
    /// Whether the message speaks of something no longer true or no longer news (see
    /// <see cref="SmsStaleness"/>); without <paramref name="freshness"/> the default windows.
    /// </summary>
    public static bool IsStale(CustomerState state, OutboxMessage message, DateTimeOffset now, SmsFreshness? freshness = null, LoyaltyRules? loyalty = null) =>
        SmsStaleness.ReasonOf(state, message, now, freshness ?? new SmsFreshness(), loyalty) is not null;

    public static DateTimeOffset DueAt(OutboxMessage message) => message.DueAt ?? message.CreatedAt;
}

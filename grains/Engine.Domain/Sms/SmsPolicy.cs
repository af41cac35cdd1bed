using Engine.Domain.Events;

namespace Engine.Domain.Sms;

/// <summary>
/// The single entry point of the SMS policy: whether a message goes out now, waits, or is
/// dropped. Pure: the time is passed in, and the same inputs always give the same answer.
/// </summary>
public static class SmsPolicy
{
    /// <summary>
    /// Rules, in order (the first that applies decides):
    /// <list type="number">
    /// <item>Keyword replies (STOP/START/HELP answers and clarifications): a HELP answer within
    /// <see cref="SmsPolicyOptions.HelpReplyInterval"/> (a clarification within
    /// <see cref="SmsPolicyOptions.ClarificationReplyInterval"/>) of the last one sent →
    /// reply-limited; a clarification to an opted-out customer → opted-out;
    /// invalid phone → invalid-phone; stale → stale;
    /// not yet due → defer to the due time; else send now, whatever the consent, ignoring quiet
    /// hours and caps.</item>
    /// <item>Other transactional messages: opted out → opted-out; else as replies.</item>
    /// <item>Marketing: opted out → opted-out; consent not given → no-consent; invalid phone;
    /// stale; not yet due, or due outside the customer's window → defer to the due time moved
    /// to the next allowed minute (<see cref="SmsDeferReasons.NotDue"/> or
    /// <see cref="SmsDeferReasons.QuietHours"/>); over the daily or weekly cap → capped-daily /
    /// capped-weekly; then priority (below); else send now.</item>
    /// </list>
    /// Priority: the marketing messages competing for the customer's local day are this one and
    /// every other pending, non-stale marketing candidate whose next allowed send time (its due
    /// time or now, whichever is later, moved out of quiet hours) falls on the same local date.
    /// They are ranked by priority (highest first), then earliest send time, creation time and id;
    /// with N messages still allowed by the caps today, this one is sent only if it ranks in the
    /// first N, else it is suppressed as lower-priority. So a points-expiry reminder due at 15:00
    /// wins over a cart reminder due at 10:00 the same day when only one may be sent. A message
    /// pushed to tomorrow by quiet hours competes tomorrow, not today.
    /// </summary>
    public static SmsDecision Decide(
        SmsCandidate candidate,
        CustomerContact contact,
        SmsHistory history,
        DateTimeOffset now,
        SmsPolicyOptions options)
    {
        return candidate.Kind == SmsKind.Transactional
            ? DecideTransactional(candidate, contact, history, now, options)
            : DecideMarketing(candidate, contact, history, now, options);
    }

    private static SmsDecision DecideTransactional(SmsCandidate candidate, CustomerContact contact, SmsHistory history, DateTimeOffset now, SmsPolicyOptions options)
    {
        // Replies skip the caps, so a HELP flood would otherwise be answered text for text.
        var interval = options.ReplyIntervalFor(candidate.Trigger);
        if (interval > TimeSpan.Zero && history.Sent.Any(sent => sent.Trigger == candidate.Trigger && sent.SentAt > now - interval))
        {
            return SmsDecision.Suppress(SmsSuppressionReasons.ReplyLimited);
        }

        if ((!SmsTriggers.IsKeywordReply(candidate.Trigger) || candidate.Trigger == SmsTrigger.Clarification) && contact.Consent == ConsentStatus.OptedOut)
        {
            return SmsDecision.Suppress(SmsSuppressionReasons.OptedOut);
        }

        if (!contact.HasValidPhone)
        {
            return SmsDecision.Suppress(SmsSuppressionReasons.InvalidPhone);
        }

        if (candidate.IsStale)
        {
            return SmsDecision.Suppress(SmsSuppressionReasons.Stale);
        }

        return candidate.DueAt > now ? SmsDecision.Defer(candidate.DueAt, SmsDeferReasons.NotDue) : SmsDecision.Send(now);
    }

    private static SmsDecision DecideMarketing(
        SmsCandidate candidate,
        CustomerContact contact,
        SmsHistory history,
        DateTimeOffset now,
        SmsPolicyOptions options)
    {
        switch (contact.Consent)
        {
            case ConsentStatus.OptedOut:
                return SmsDecision.Suppress(SmsSuppressionReasons.OptedOut);
            case not ConsentStatus.OptedIn:
                return SmsDecision.Suppress(SmsSuppressionReasons.NoConsent);
        }

        if (!contact.HasValidPhone)
        {
            return SmsDecision.Suppress(SmsSuppressionReasons.InvalidPhone);
        }

        if (candidate.IsStale)
        {
            return SmsDecision.Suppress(SmsSuppressionReasons.Stale);
        }

        var dueAt = candidate.DueAt > now ? candidate.DueAt : now;
        var allowedAt = QuietHours.NextAllowed(dueAt, contact.TimeZone, options);
        if (allowedAt > now)
        {
            return SmsDecision.Defer(allowedAt, allowedAt == candidate.DueAt ? SmsDeferReasons.NotDue : SmsDeferReasons.QuietHours);
        }

        var zone = SmsTimeZones.Resolve(contact.TimeZone, options);
        var cap = new FrequencyCap(history.Sent, zone, contact.Caps ?? options.Caps).Check(now, candidate.Trigger);
        if (!cap.IsAllowed)
        {
            return SmsDecision.Suppress(cap.Reason!);
        }

        var rank = RankToday(candidate, history.Pending, contact.TimeZone, zone, now, options);
        return rank < cap.Remaining ? SmsDecision.Send(now) : SmsDecision.Suppress(SmsSuppressionReasons.LowerPriority);
    }

    /// <summary>How many competitors for today's slots outrank the candidate (0 = first).</summary>
    private static int RankToday(
        SmsCandidate candidate,
        IReadOnlyList<SmsCandidate> pending,
        string? timeZone,
        SmsZone zone,
        DateTimeOffset now,
        SmsPolicyOptions options)
    {
        var today = zone.LocalDate(now);
        var mine = (Priority: options.PriorityOf(candidate.Trigger), SendAt: now, candidate.CreatedAt, candidate.Id);
        var rank = 0;
        foreach (var other in pending)
        {
            if (other.Id == candidate.Id || other.Kind != SmsKind.Marketing || other.IsStale)
            {
                continue;
            }

            var sendAt = QuietHours.NextAllowed(other.DueAt > now ? other.DueAt : now, timeZone, options);
            if (zone.LocalDate(sendAt) != today)
            {
                continue;
            }

            var theirs = (Priority: options.PriorityOf(other.Trigger), SendAt: sendAt, other.CreatedAt, other.Id);
            if (Outranks(theirs, mine))
            {
                rank++;
            }
        }

        return rank;
    }

    private static bool Outranks(
        (int Priority, DateTimeOffset SendAt, DateTimeOffset CreatedAt, string Id) a,
        (int Priority, DateTimeOffset SendAt, DateTimeOffset CreatedAt, string Id) b)
    {
        if (a.Priority != b.Priority)
        {
            return a.Priority > b.Priority;
        }

        if (a.SendAt != b.SendAt)
        {
            return a.SendAt < b.SendAt;
        }

        return a.CreatedAt != b.CreatedAt ? a.CreatedAt < b.CreatedAt : string.CompareOrdinal(a.Id, b.Id) < 0;
    }
}

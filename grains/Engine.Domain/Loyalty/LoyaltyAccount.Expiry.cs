using System.Globalization;

namespace Engine.Domain.Loyalty;

/// <summary>The clock's side of the account: lots expiring, the reminders before they do, and when either is next due.</summary>
public sealed partial class LoyaltyAccount
{
    /// <summary>
    /// Expires every lot whose expiry is at or before <paramref name="now"/> (a lot expiring
    /// exactly at <paramref name="now"/> is expired). In rolling mode the lots' expiries are
    /// moved on with activity, so the same test expires them all after the inactivity period.
    /// </summary>
    public IReadOnlyList<PointsExpired> ExpireDue(DateTimeOffset now, LoyaltyRules rules)
    {
        var expired = new List<PointsExpired>();
        foreach (var lot in Lots.Where(l => l.Remaining > 0 && !l.IsLiveAt(now)).OrderBy(l => l.ExpiresAt).ThenBy(l => l.LotId, StringComparer.Ordinal))
        {
            expired.Add(new PointsExpired(lot.LotId, lot.Remaining, lot.ExpiresAt));
            Expired += lot.Remaining;
            lot.ExpiredPoints += lot.Remaining;
            lot.Remaining = 0;
        }

        Prune();
        return expired;
    }

    /// <summary>
    /// Reminders whose day has come: for each lot with points left, the configured day
    /// <c>d</c> with <c>ExpiresAt − d ≤ now &lt; ExpiresAt</c>, not produced before. When
    /// several days fell due at once (a late run) only the nearest to the expiry is produced
    /// and the others are marked as sent. In rolling mode one reminder covers all the lots
    /// sharing an expiry, and moving the expiry on re-arms it. Marks what it returns as sent.
    /// </summary>
    public IReadOnlyList<ExpiryReminder> DueExpiryReminders(DateTimeOffset now, LoyaltyRules rules)
    {
        var reminders = new List<ExpiryReminder>();
        foreach (var (key, lotId, points, expiresAt) in ReminderSubjects(rules).Where(s => s.ExpiresAt > now))
        {
            var due = ReminderDays(rules).Where(d => expiresAt.AddDays(-d) <= now && !SentReminders.Contains(ReminderKey(key, d))).ToList();
            if (due.Count == 0)
            {
                continue;
            }

            reminders.Add(new ExpiryReminder(lotId, due.Min(), points, expiresAt));
            SentReminders.AddRange(due.Select(d => ReminderKey(key, d)));
        }

        return reminders;
    }

    /// <summary>
    /// The earliest instant at which something time-driven is pending: a reminder day, a
    /// lot's expiry, a downgrade, a re-qualification. Null when nothing is. After
    /// <see cref="Customers.CustomerState.AdvanceTo"/> it is in the future; after an event it
    /// can be overdue, and the caller should then run <c>AdvanceTo</c> at once.
    /// </summary>
    public DateTimeOffset? NextDueAt(LoyaltyRules rules)
    {
        DateTimeOffset? next = DowngradeDueAt ?? RequalifyAt;
        foreach (var (key, _, _, expiresAt) in ReminderSubjects(rules))
        {
            next = Earliest(next, expiresAt);
            foreach (var days in ReminderDays(rules).Where(d => !SentReminders.Contains(ReminderKey(key, d))))
            {
                next = Earliest(next, expiresAt.AddDays(-days));
            }
        }

        return next;
    }

    private IEnumerable<(string Key, string LotId, long Points, DateTimeOffset ExpiresAt)> ReminderSubjects(LoyaltyRules rules)
    {
        var withPoints = Lots.Where(l => l.Remaining > 0);
        return rules.Expiry == PointsExpiryMode.RollingInactivity
            ? withPoints.GroupBy(l => l.ExpiresAt.UtcTicks)
                .OrderBy(g => g.Key)
                .Select(g => (RollingKey(g.Key), RollingLotId, g.Sum(l => l.Remaining), g.First().ExpiresAt))
            : withPoints.OrderBy(l => l.ExpiresAt).ThenBy(l => l.LotId, StringComparer.Ordinal)
                .Select(l => (l.LotId, l.LotId, l.Remaining, l.ExpiresAt));
    }

    private static IEnumerable<int> ReminderDays(LoyaltyRules rules) => rules.ExpiryReminderDays.Where(d => d > 0).Distinct();

    private static string ReminderKey(string subject, int days) => string.Concat(subject, ":", days.ToString(CultureInfo.InvariantCulture));

    private static string RollingKey(long expiresAtUtcTicks) => string.Concat(RollingLotId, "@", expiresAtUtcTicks.ToString(CultureInfo.InvariantCulture));

    private static DateTimeOffset Earliest(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } c && c <= candidate ? c : candidate;
}

using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Sms;

namespace Engine.Domain.Tests;

/// <summary>
/// A customer's state set up for the SMS rules: how they can be reached, in which zone, and
/// which messages wait in the outbox. Instants are written as wall times of a zone.
/// </summary>
internal static class SmsCustomer
{
    public const string Paris = "Europe/Paris";
    public const string NewYork = "America/New_York";
    public const string ValidPhone = "+33612345678";

    /// <summary>When the customer gave the consent the tests start from: well before <see cref="Make.T0"/>.</summary>
    public static readonly DateTimeOffset ConsentAt = Make.T0.AddDays(-30);

    /// <summary>Opted in, with a valid phone: every marketing rule but the clock allows a send.</summary>
    public static CustomerState Reachable(string zone = Paris) => With(ConsentStatus.OptedIn, ValidPhone, zone);

    /// <summary>Consent <see cref="ConsentStatus.Unknown"/> means no decision was ever recorded.</summary>
    public static CustomerState With(ConsentStatus consent, string? phone = ValidPhone, string zone = Paris)
    {
        var state = new CustomerState { CustomerId = Make.CustomerId };
        state.Profile.Phone = phone;
        state.Profile.TimeZone = zone;
        state.Profile.Locale = "fr-FR";
        state.Profile.SmsConsent = consent == ConsentStatus.Unknown ? null : new SmsConsent(consent, "web-form", ConsentAt);
        // Something in the cart, so a cart reminder is not stale.
        state.Cart.Lines.Add(new Engine.Domain.Cart.CartLine("SKU-1", "Socks", 1, 9.99m, ConsentAt));
        return state;
    }

    /// <summary>Queues an SMS due at <paramref name="at"/>, transactional or not as its trigger is; returns it.</summary>
    public static OutboxMessage Queue(CustomerState state, SmsTrigger trigger, DateTimeOffset at, string? instance = null, IReadOnlyDictionary<string, string>? data = null)
    {
        var key = SmsTriggers.Key(trigger);
        var id = $"{state.CustomerId}:{key}:{instance ?? at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        Assert.True(SmsPlanning.Queue(state, id, key, at, SmsTriggers.KindOf(trigger) == SmsKind.Transactional, data));
        return state.Outbox.Find(id)!;
    }

    /// <summary>The SMS of one trigger in the outbox, in the order they were added.</summary>
    public static List<OutboxMessage> Messages(CustomerState state, SmsTrigger trigger) =>
        [.. state.Outbox.Messages.Where(m => m.Kind == OutboxKind.Sms && m.Sms!.Trigger == SmsTriggers.Key(trigger))];

    /// <summary>The instant a wall clock in <paramref name="zone"/> shows this time (must exist and be unambiguous).</summary>
    public static DateTimeOffset Local(string zone, int year, int month, int day, int hour, int minute = 0)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var wall = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        if (tz.IsInvalidTime(wall) || tz.IsAmbiguousTime(wall))
        {
            throw new ArgumentException($"{wall} in {zone} does not name one instant.");
        }

        return new DateTimeOffset(wall, tz.GetUtcOffset(wall));
    }
}

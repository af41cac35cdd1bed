namespace Engine.Domain.Sms;

/// <summary>A customer's zone as the SMS policy uses it: the zone and the IANA id that region overrides match.</summary>
public sealed record SmsZone(string Id, TimeZoneInfo Zone)
{
    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant).DateTime);
}

public static class SmsTimeZones
{
    /// <summary>
    /// The customer's zone when this machine knows it, else <see cref="SmsPolicyOptions.DefaultTimeZone"/>,
    /// else UTC. Windows ids are accepted and reported by their IANA id.
    /// </summary>
    public static SmsZone Resolve(string? timeZoneId, SmsPolicyOptions options)
    {
        foreach (var id in new[] { timeZoneId, options.DefaultTimeZone })
        {
            if (!string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
            {
                var ianaId = zone.HasIanaId ? zone.Id : TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var converted) ? converted : zone.Id;
                return new SmsZone(ianaId, zone);
            }
        }

        return new SmsZone("UTC", TimeZoneInfo.Utc);
    }
}

using Engine.Domain.Events;

namespace Engine.Domain.Customers;

/// <summary>Who the customer is and how they may be contacted.</summary>
[GenerateSerializer, Alias("engine.Profile")]
public sealed class Profile
{
    [Id(0)] public string? FirstName { get; set; }
    [Id(1)] public string? Phone { get; set; }
    [Id(2)] public string? TimeZone { get; set; }
    [Id(3)] public string? Locale { get; set; }
    [Id(4)] public DateOnly? Birthday { get; set; }
    [Id(5)] public SmsConsent? SmsConsent { get; set; }
    /// <summary>occurredAt of the newest profile update applied.</summary>
    [Id(6)] public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>
    /// Applies a partial update. An update older than the one already applied only fills
    /// fields that are still empty, so a late-arriving old profile never overwrites newer data.
    /// Consent is decided by its own timestamp: the latest decision wins.
    /// </summary>
    public void Apply(CustomerProfileEvent update)
    {
        var isNewest = UpdatedAt is null || update.OccurredAt >= UpdatedAt;
        FirstName = Pick(FirstName, update.FirstName, isNewest);
        Phone = Pick(Phone, update.Phone, isNewest);
        TimeZone = Pick(TimeZone, update.TimeZone, isNewest);
        Locale = Pick(Locale, update.Locale, isNewest);
        if (update.Birthday is { } birthday && (isNewest || Birthday is null))
        {
            Birthday = birthday;
        }

        if (update.SmsConsent is { } consent && (SmsConsent is null || consent.At >= SmsConsent.At))
        {
            SmsConsent = consent;
        }

        if (isNewest)
        {
            UpdatedAt = update.OccurredAt;
        }
    }

    private static string? Pick(string? current, string? incoming, bool isNewest) =>
        incoming is null ? current : (isNewest || current is null ? incoming : current);
}

namespace Engine.Domain.Events;

/// <summary>Whether a customer agreed to marketing SMS.</summary>
public enum ConsentStatus
{
    Unknown = 0,
    OptedIn = 1,
    OptedOut = 2,
}

/// <summary>A consent decision with where and when it was given, as a regulator asks for.</summary>
[GenerateSerializer, Immutable, Alias("engine.SmsConsent")]
public sealed record SmsConsent(
    [property: Id(0)] ConsentStatus Status,
    [property: Id(1)] string Source,
    [property: Id(2)] DateTimeOffset At);

/// <summary>
/// A profile upsert: fields that are null are left as they are, so producers can send
/// partial updates.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.CustomerProfileEvent")]
public sealed record CustomerProfileEvent : CustomerEvent
{
    [Id(0)] public string? FirstName { get; init; }
    [Id(1)] public string? Phone { get; init; }
    [Id(2)] public string? TimeZone { get; init; }
    [Id(3)] public string? Locale { get; init; }
    [Id(4)] public DateOnly? Birthday { get; init; }
    [Id(5)] public SmsConsent? SmsConsent { get; init; }

    public override string Type => EventTypes.Customer;
}

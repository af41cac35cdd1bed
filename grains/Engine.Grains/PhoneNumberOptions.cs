namespace Engine.Grains;

/// <summary>How phone numbers are read and keyed. Bound from "Sms:Numbers"; checked at start.</summary>
public sealed class PhoneNumberOptions
{
    public const string SectionName = "Sms:Numbers";

    /// <summary>
    /// Two-letter region (ISO 3166, e.g. "FR", "US") for numbers written in national format
    /// ("06 12 34 56 78") on profiles and inbound senders. Empty: only international formats.
    /// </summary>
    public string DefaultRegion { get; set; } = "";

    /// <summary>
    /// The secret of the suppression list's keys (HMAC-SHA256 of each number): at least 32
    /// characters, the same on every silo and never changed (a new key orphans every recorded
    /// opt-out). Empty: a fixed development key, refused with PostgreSQL storage.
    /// </summary>
    public string Key { get; set; } = "";
}

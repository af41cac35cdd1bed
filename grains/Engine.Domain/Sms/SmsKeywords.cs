namespace Engine.Domain.Sms;

/// <summary>What an inbound message asks for.</summary>
public enum SmsKeyword
{
    /// <summary>Nothing the engine acts on ("thanks!", "when does my order ship?").</summary>
    None = 0,
    Stop = 1,
    Start = 2,
    Help = 3,

    /// <summary>About the texts, but neither clearly in nor out ("who is this?", "not interested"): worth one clarification.</summary>
    Unclear = 4,
}

/// <summary>
/// Reads what an inbound message asks for with the default keyword lists; see
/// <see cref="SmsWording"/> for the rules and docs/sms.md for the table.
/// </summary>
public static class SmsKeywords
{
    public static SmsKeyword Parse(string? text) => SmsWording.Default.Read(text);

    public static SmsKeyword Parse(string? text, SmsKeywordOptions options) => SmsWording.For(options).Read(text);
}

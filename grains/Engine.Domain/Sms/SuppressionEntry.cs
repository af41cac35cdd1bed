using Engine.Domain.Events;

namespace Engine.Domain.Sms;

/// <summary>
/// One phone number in the suppression list (keyed by <see cref="NumberKey"/>): the customers
/// whose profile holds it, its latest consent instruction, and the inbound messages it was
/// last sent. Persisted: field ids are permanent.
/// </summary>
[GenerateSerializer, Alias("engine.SuppressionEntry")]
public sealed class SuppressionEntry
{
    /// <summary>Customer ids claiming the number, in ordinal order.</summary>
    [Id(0)] public List<string> Customers { get; set; } = [];

    /// <summary>The number's latest opt-out or opt-in (engine time, source); null: never sent one.</summary>
    [Id(1)] public SmsConsent? Latest { get; set; }

    /// <summary>The latest inbound messages and what was decided, so a retried callback is handled once.</summary>
    [Id(2)] public List<NumberInstruction> Recent { get; set; } = [];

    /// <summary>When a HELP answer was last granted to the number.</summary>
    [Id(3)] public DateTimeOffset? LastHelpReplyAt { get; set; }

    /// <summary>When a clarification (the answer to an unclear reply such as "who is this?") was last granted to the number.</summary>
    [Id(4)] public DateTimeOffset? LastClarificationAt { get; set; }
}

/// <summary>
/// What one inbound message from a number decided, handed to every customer claiming it:
/// the consent instruction (null: none), and the reply, which only <see cref="ReplyBy"/> sends
/// (one text per handset, whoever shares it).
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.NumberInstruction")]
public sealed record NumberInstruction(
    [property: Id(0)] string GatewayMessageId,
    [property: Id(1)] SmsKeyword Keyword,
    [property: Id(2)] DateTimeOffset ReceivedAt,
    [property: Id(3)] SmsConsent? Consent,
    [property: Id(4)] SmsTrigger? Reply,
    [property: Id(5)] string? ReplyBy);

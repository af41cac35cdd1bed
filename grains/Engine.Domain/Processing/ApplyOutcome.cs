namespace Engine.Domain.Processing;

/// <summary>What became of one event offered to a customer.</summary>
public enum ApplyStatus
{
    Applied = 0,
    /// <summary>Already applied before (replay or producer retry); nothing changed.</summary>
    Duplicate = 1,
    /// <summary>Valid JSON but refused by a business rule; it belongs on the dead-letter topic.</summary>
    Rejected = 2,
}

/// <summary>The result of offering an event to a customer's rules.</summary>
public readonly record struct ApplyOutcome(ApplyStatus Status, string? Reason = null)
{
    public static ApplyOutcome Applied { get; } = new(ApplyStatus.Applied);
    public static ApplyOutcome Duplicate { get; } = new(ApplyStatus.Duplicate);
    public static ApplyOutcome Reject(string reason) => new(ApplyStatus.Rejected, reason);
}

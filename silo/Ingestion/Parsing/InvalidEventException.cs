using Engine.Domain.Processing;

namespace Engine.Silo.Ingestion.Parsing;

/// <summary>An event the contract refuses: a reason from <see cref="RejectionReasons"/> and a detail naming the field, never its value.</summary>
internal sealed class InvalidEventException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}

internal static class EventRefusal
{
    public static InvalidEventException Missing(string name) => new(RejectionReasons.MissingField, $"{name} is required");

    public static InvalidEventException Invalid(string name, string problem) => new(RejectionReasons.InvalidField, $"{name} {problem}");
}

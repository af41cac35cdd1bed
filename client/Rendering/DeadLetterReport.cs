using System.Text;
using Engine.Client.DeadLetters;

namespace Engine.Client.Rendering;

/// <summary>What <c>dlq list</c> and <c>dlq show</c> print, table or <c>--json</c>.</summary>
public sealed record DeadLetterReport(
    string Position,
    string Reason,
    string Detail,
    string SourceTopic,
    int? SourcePartition,
    long? SourceOffset,
    DateTimeOffset? RejectedAt,
    string? Key,
    int Bytes,
    IReadOnlyDictionary<string, string> Headers,
    string? Value)
{
    /// <param name="letter">The dead letter.</param>
    /// <param name="withValue">Whether the value is shown (<c>dlq show</c>); a list leaves it out.</param>
    public static DeadLetterReport From(DeadLetter letter, bool withValue) => new(
        letter.Position.ToString(),
        letter.Reason,
        letter.Detail,
        letter.SourceTopic,
        letter.SourcePartition,
        letter.SourceOffset,
        letter.RejectedAt,
        letter.Key,
        letter.Value.Length,
        letter.OwnHeaders.GroupBy(h => h.Key).ToDictionary(g => g.Key, g => Encoding.UTF8.GetString(g.Last().Value)),
        withValue ? letter.ValueText : null);
}

/// <summary>The <c>dlq list</c> answer: the dead letters shown and how many of each reason the topic holds.</summary>
public sealed record DeadLetterListReport(string Topic, int Total, IReadOnlyDictionary<string, int> ByReason, IReadOnlyList<DeadLetterReport> Shown);

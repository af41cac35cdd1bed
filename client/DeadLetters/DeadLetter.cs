using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Engine.Contracts;

namespace Engine.Client.DeadLetters;

/// <summary>One refused event as the dead-letter topic holds it: where it is, why, where it came from, and its bytes.</summary>
public sealed record DeadLetter(
    DeadLetterPosition Position,
    string Reason,
    string Detail,
    string SourceTopic,
    int? SourcePartition,
    long? SourceOffset,
    DateTimeOffset? RejectedAt,
    string? Key,
    byte[] Value,
    IReadOnlyList<KeyValuePair<string, byte[]>> OwnHeaders)
{
    public static DeadLetter From(ConsumeResult<byte[]?, byte[]?> record)
    {
        var headers = record.Message.Headers ?? [];
        string Header(string name) => headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : "";
        return new DeadLetter(
            new DeadLetterPosition(record.Partition.Value, record.Offset.Value),
            Header(DeadLetterHeaders.Reason),
            Header(DeadLetterHeaders.Detail),
            Header(DeadLetterHeaders.SourceTopic),
            int.TryParse(Header(DeadLetterHeaders.SourcePartition), NumberStyles.None, CultureInfo.InvariantCulture, out var partition) ? partition : null,
            long.TryParse(Header(DeadLetterHeaders.SourceOffset), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : null,
            DateTimeOffset.TryParse(Header(DeadLetterHeaders.RejectedAt), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null,
            record.Message.Key is { } key ? Encoding.UTF8.GetString(key) : null,
            record.Message.Value ?? [],
            [.. headers.Where(h => !DeadLetterHeaders.IsSetOnRefusal(h.Key)).Select(h => KeyValuePair.Create(h.Key, h.GetValueBytes()))]);
    }

    /// <summary>The value as text (events are JSON; anything else shows its bytes as UTF-8 would).</summary>
    public string ValueText => Encoding.UTF8.GetString(Value);
}

/// <summary>Where a dead letter sits in the dead-letter topic, written <c>partition:offset</c>.</summary>
public readonly record struct DeadLetterPosition(int Partition, long Offset)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Partition}:{Offset}");

    public static bool TryParse(string text, out DeadLetterPosition position)
    {
        position = default;
        var parts = text.Split(':');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return false;
        }

        position = new DeadLetterPosition(partition, offset);
        return true;
    }
}

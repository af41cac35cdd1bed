using System.Buffers;
using System.Runtime.CompilerServices;

namespace Engine.Client;

/// <summary>One input line as its exact bytes, without the line terminator.</summary>
public sealed record JsonLine(int Number, byte[] Bytes)
{
    public bool IsBlank => Bytes.AsSpan().IndexOfAnyExcept(" \t\r\f\v"u8) < 0;
}

/// <summary>
/// Splits a stream into lines of raw bytes. Bytes, not strings, so what reaches Kafka is
/// exactly what was in the file.
/// </summary>
public static class JsonLineReader
{
    public static async IAsyncEnumerable<JsonLine> ReadAsync(Stream input, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var buffer = new byte[64 * 1024];
        var pending = new ArrayBufferWriter<byte>();
        var number = 0;
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var chunk = buffer.AsMemory(0, read);
            int newline;
            while ((newline = chunk.Span.IndexOf((byte)'\n')) >= 0)
            {
                pending.Write(chunk.Span[..newline]);
                yield return Complete(++number, pending);
                chunk = chunk[(newline + 1)..];
            }

            pending.Write(chunk.Span);
        }

        if (pending.WrittenCount > 0)
        {
            yield return Complete(++number, pending);
        }
    }

    private static JsonLine Complete(int number, ArrayBufferWriter<byte> pending)
    {
        var line = pending.WrittenSpan;
        if (number == 1 && line.StartsWith("\uFEFF"u8))
        {
            // A byte order mark is the file's encoding marker, not part of the first event.
            line = line[3..];
        }

        if (line.EndsWith("\r"u8))
        {
            line = line[..^1];
        }

        var bytes = line.ToArray();
        pending.ResetWrittenCount();
        return new JsonLine(number, bytes);
    }
}

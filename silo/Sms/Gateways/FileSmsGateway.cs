using Engine.Contracts;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Engine.Grains.Effects;

namespace Engine.Silo.Sms.Gateways;

/// <summary>
/// The embedded default: appends one JSON line per message to a file (or the console) and
/// reports it accepted. Nothing reaches a phone, so demos and tests can read what would have.
/// </summary>
public sealed class FileSmsGateway : ISmsGateway, IDisposable
{
    /// <summary>The path that means "write to the console".</summary>
    public const string ConsolePath = "-";

    private static readonly JsonSerializerOptions LineFormat = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;

    /// <param name="path">A file to append to (its directory is created), or <see cref="ConsolePath"/>.</param>
    /// <param name="time">The clock for the "at" field.</param>
    public FileSmsGateway(string path, TimeProvider time)
    {
        _time = time;
        if (path == ConsolePath)
        {
            _writer = Console.Out;
            return;
        }

        Path = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 4096, useAsync: true);
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        _ownsWriter = true;
    }

    public string Name => SmsGatewayProviders.File;

    /// <summary>The full path written to, or null for the console.</summary>
    public string? Path { get; }

    public async Task<SmsSendResult> SendAsync(OutgoingSms sms, CancellationToken cancellationToken = default)
    {
        var line = JsonSerializer.Serialize(
            new
            {
                at = _time.GetUtcNow(),
                messageId = sms.MessageId,
                customerId = sms.CustomerId,
                to = sms.To,
                text = sms.Text,
                segments = sms.Segments,
                unicode = sms.Unicode,
            },
            LineFormat);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await _writer.WriteLineAsync(line);
            await _writer.FlushAsync(CancellationToken.None);
        }
        catch (IOException exception)
        {
            return new SmsSendResult(SmsSendStatus.TransientFailure, Detail: $"could not write the SMS file: {exception.Message}");
        }
        finally
        {
            _gate.Release();
        }

        return new SmsSendResult(SmsSendStatus.Accepted, "file-" + sms.MessageId);
    }

    public void Dispose()
    {
        if (_ownsWriter)
        {
            _writer.Dispose();
        }

        _gate.Dispose();
    }
}

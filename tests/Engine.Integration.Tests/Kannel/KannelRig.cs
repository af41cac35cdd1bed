using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;
using Engine.Silo.Sms.Callbacks;

namespace Engine.Integration.Tests.Kannel;

/// <summary>
/// A real Kannel on loopback for one test: bearerbox with a fake SMSC, smsbox with a
/// sendsms user and a catch-all inbound service, and Kannel's fakesmsc playing the
/// operator (it prints what it receives and injects messages from "handsets"). Ports are
/// free ones, files live in a temporary directory, everything is killed on dispose.
/// </summary>
public sealed partial class KannelRig : IAsyncDisposable
{
    public const string Bearerbox = "/usr/sbin/bearerbox";
    public const string Smsbox = "/usr/sbin/smsbox";
    public const string FakeSmsc = "/usr/lib/kannel/test/fakesmsc";
    public const string Username = "engine";

    private const string StatusPassword = "rig-status";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    private readonly ConcurrentQueue<FakeSmscMessage> _received = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly List<KannelProcess> _stopped = [];
    private KannelProcess? _bearerbox;
    private KannelProcess? _smsbox;
    private KannelProcess? _fakesmsc;

    private KannelRig(string inboundUrl)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("engine-kannel-").FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "spool"));
        Password = "rig-" + Guid.NewGuid().ToString("N")[..12];
        AdminPort = FreePorts.Next();
        BoxPort = FreePorts.Next();
        SmscPort = FreePorts.Next();
        SendSmsPort = FreePorts.Next();
        ConfigPath = Path.Combine(Directory, "kannel.conf");
        File.WriteAllText(ConfigPath, Config(inboundUrl));
    }

    /// <summary>The temporary directory with kannel.conf, the logs and the store.</summary>
    public string Directory { get; }

    public string ConfigPath { get; }

    public string Password { get; }

    public int AdminPort { get; }

    public int BoxPort { get; }

    public int SmscPort { get; }

    public int SendSmsPort { get; }

    public string SendSmsUrl => $"http://127.0.0.1:{SendSmsPort}/cgi-bin/sendsms";

    /// <summary>Every message the fake SMSC received (across restarts), in order.</summary>
    public IReadOnlyList<FakeSmscMessage> ReceivedMessages => [.. _received];

    /// <summary>
    /// Starts Kannel; inbound messages go to <paramref name="inboundUrl"/> (which may carry a
    /// query, such as the callback token) with <see cref="KannelInboundMessage.GetUrlQuery"/>
    /// appended, as in deploy/kannel.
    /// </summary>
    public static async Task<KannelRig> StartAsync(string inboundUrl)
    {
        RequireInstalled();
        var rig = new KannelRig(inboundUrl);
        try
        {
            await rig.StartAsync();
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>Fails with how to install Kannel when the Debian packages are missing.</summary>
    public static void RequireInstalled()
    {
        foreach (var program in new[] { Bearerbox, Smsbox, FakeSmsc })
        {
            if (!File.Exists(program))
            {
                throw new InvalidOperationException(
                    $"{program} is not installed: run scripts/install-deps.sh (Debian packages kannel and kannel-extras).");
            }
        }
    }

    /// <summary>Starts bearerbox, then smsbox, then the fake SMSC, and waits until all three are connected.</summary>
    public async Task StartAsync()
    {
        if (_bearerbox is not null)
        {
            throw new InvalidOperationException("Kannel is already running");
        }

        _bearerbox = KannelProcess.Start("bearerbox", Bearerbox, ["-v", "1", ConfigPath], Directory);
        // smsbox gives up if bearerbox is not listening yet; "running" comes after that.
        await WaitAsync("bearerbox to be running", async () => IsRunning(await StatusAsync()), _bearerbox);

        _smsbox = KannelProcess.Start("smsbox", Smsbox, ["-v", "1", ConfigPath], Directory);
        await WaitAsync("smsbox to answer on its sendsms port", () => AnswersAsync(_http, SendSmsUrl), _smsbox);

        StartFakeSmsc();
        await WaitAsync("the fake SMSC and smsbox to be connected to bearerbox", async () =>
        {
            if (_fakesmsc!.HasExited)
            {
                // It gives up if it came before bearerbox listened on the SMSC port: try again.
                _stopped.Add(_fakesmsc);
                StartFakeSmsc();
                return false;
            }

            var status = await StatusAsync();
            return status is not null
                && status.Contains($"FAKE:{SmscPort} (online", StringComparison.Ordinal)
                && SmsboxOnline().IsMatch(status);
        }, _bearerbox);
    }

    /// <summary>How often <see cref="RestartSmsboxIfExitedAsync"/> found smsbox dead and started it again.</summary>
    public int SmsboxRestarts { get; private set; }

    /// <summary>
    /// Plays the operator's supervisor (systemd <c>Restart=always</c>) for smsbox: Kannel
    /// 1.4.5's smsbox panics (conn_unregister assertion) when the server of a delivery-report
    /// callback resets the connection mid-request, which a silo killed while reports are in
    /// flight does. Returns true when it had to restart it.
    /// </summary>
    public async Task<bool> RestartSmsboxIfExitedAsync()
    {
        if (_smsbox is not { HasExited: true } dead)
        {
            return false;
        }

        _stopped.Add(dead);
        _smsbox = KannelProcess.Start("smsbox", Smsbox, ["-v", "1", ConfigPath], Directory);
        await WaitAsync("smsbox to answer on its sendsms port again", () => AnswersAsync(_http, SendSmsUrl), _smsbox);
        SmsboxRestarts++;
        return true;
    }

    /// <summary>An outage: stops the fake SMSC, smsbox and bearerbox; <see cref="StartAsync()"/> brings them back on the same ports.</summary>
    public async Task StopAsync()
    {
        foreach (var process in new[] { _fakesmsc, _smsbox, _bearerbox })
        {
            if (process is not null)
            {
                await process.StopAsync(StopGrace);
                _stopped.Add(process);
            }
        }

        _fakesmsc = _smsbox = _bearerbox = null;
    }

    /// <summary>A handset sends a message (MO) through the fake SMSC; Kannel passes it to the inbound URL.</summary>
    public Task InjectInboundAsync(string from, string to, string text)
    {
        if (from.Any(char.IsWhiteSpace) || to.Any(char.IsWhiteSpace) || text.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("fakesmsc takes one line: no spaces in numbers, no newline in the text");
        }

        var fakesmsc = _fakesmsc ?? throw new InvalidOperationException("Kannel is stopped");
        // "text" passes plain (ASCII-safe) text; anything else goes as URL-encoded UCS-2.
        var line = text.All(char.IsAscii)
            ? $"{from} {to} text {text}"
            : $"{from} {to} ucs2 {HttpUtility.UrlEncode(Encoding.BigEndianUnicode.GetBytes(text))}";
        return fakesmsc.WriteLineAsync(line);
    }

    /// <summary>bearerbox's status page, or null when it does not answer.</summary>
    public Task<string?> StatusAsync() => StatusAsync(_http, AdminPort, StatusPassword);

    /// <summary>The status page of a bearerbox on loopback, or null when it does not answer.</summary>
    public static async Task<string?> StatusAsync(HttpClient http, int adminPort, string statusPassword)
    {
        try
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{adminPort}/status.txt?password={statusPassword}");
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>bearerbox finished starting (its SMSC and box ports are open).</summary>
    public static bool IsRunning(string? status) => status?.Contains("Status: running", StringComparison.Ordinal) == true;

    /// <summary>Whether anything answers HTTP at <paramref name="url"/> (smsbox's sendsms port is up).</summary>
    public static async Task<bool> AnswersAsync(HttpClient http, string url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>What the programs printed and the ends of their logs: for assertion messages.</summary>
    public string Diagnostics()
    {
        var text = new StringBuilder();
        foreach (var process in _stopped.Concat(new[] { _bearerbox, _smsbox, _fakesmsc }.OfType<KannelProcess>()))
        {
            text.Append("--- ").Append(process.Name).Append(" (pid ").Append(process.Id).AppendLine(") output:");
            text.AppendLine(Tail(process.Output, 40));
        }

        foreach (var log in new[] { "bearerbox.log", "smsbox.log", "smsbox-access.log" })
        {
            var path = Path.Combine(Directory, log);
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                text.Append("--- ").Append(path).AppendLine(":");
                text.AppendLine(Tail(reader.ReadToEnd(), 40));
            }
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in new[] { _fakesmsc, _smsbox, _bearerbox }.OfType<KannelProcess>().Concat(_stopped))
        {
            await process.DisposeAsync();
        }

        _http.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A log still held open by a dying process: leave the temporary directory.
        }
    }

    private void StartFakeSmsc() =>
        _fakesmsc = KannelProcess.Start(
            "fakesmsc", FakeSmsc, ["-H", "127.0.0.1", "-r", SmscPort.ToString(CultureInfo.InvariantCulture), "-i", "0.1", "-m", "1000000"],
            Directory, redirectInput: true, onLine: OnFakeSmscLine);

    private void OnFakeSmscLine(string line)
    {
        if (FakeSmscMessage.TryParseLog(line, out var message))
        {
            _received.Enqueue(message);
        }
    }

    private async Task WaitAsync(string what, Func<Task<bool>> ready, KannelProcess process)
    {
        try
        {
            await Eventually.Until(async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{process.Name} exited while waiting for {what}");
                }

                return await ready();
            }, done => done, StartTimeout, what);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"Kannel did not start: {e.Message}\n{Diagnostics()}", e);
        }
    }

    private string Config(string inboundUrl) => $"""
        # Written by KannelRig for one test.
        group = core
        admin-port = {AdminPort}
        admin-interface = 127.0.0.1
        admin-password = rig-admin
        status-password = {StatusPassword}
        admin-allow-ip = "127.0.0.1"
        smsbox-port = {BoxPort}
        smsbox-interface = 127.0.0.1
        box-allow-ip = "127.0.0.1"
        log-file = "{Directory}/bearerbox.log"
        log-level = 0
        access-log = "{Directory}/bearerbox-access.log"
        store-type = spool
        store-location = "{Directory}/spool"
        dlr-storage = internal

        group = smsc
        smsc = fake
        smsc-id = fake
        port = {SmscPort}
        connect-allow-ip = 127.0.0.1

        group = smsbox
        bearerbox-host = 127.0.0.1
        bearerbox-port = {BoxPort}
        sendsms-port = {SendSmsPort}
        sendsms-interface = 127.0.0.1
        log-file = "{Directory}/smsbox.log"
        log-level = 0
        access-log = "{Directory}/smsbox-access.log"
        mo-recode = true

        group = sendsms-user
        username = {Username}
        password = {Password}
        concatenation = true
        max-messages = 10

        group = sms-service
        keyword = default
        catch-all = true
        get-url = "{inboundUrl}{(inboundUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{KannelInboundMessage.GetUrlQuery}"
        omit-empty = true
        max-messages = 0

        """;

    private static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    [GeneratedRegex(@"smsbox:\S*, IP 127\.0\.0\.1 .*on-line")]
    private static partial Regex SmsboxOnline();
}

namespace Engine.Silo.Sms;

/// <summary>Which SMS gateway the silo sends through, and how to reach it. Bound from "Sms:Gateway".</summary>
public sealed class SmsGatewayOptions
{
    public const string SectionName = "Sms:Gateway";

    /// <summary>"file" (the embedded default: one JSON line per message), "kannel" or "twilio".</summary>
    public string Provider { get; set; } = SmsGatewayProviders.File;

    /// <summary>Sender id or number shown on the handset (Kannel <c>from</c>, Twilio <c>From</c>).</summary>
    public string From { get; set; } = "";

    public KannelGatewayOptions Kannel { get; set; } = new();

    public TwilioGatewayOptions Twilio { get; set; } = new();

    public FileGatewayOptions File { get; set; } = new();

    public override string ToString() => $"Provider={Provider}, From={From}, Kannel={{{Kannel}}}, Twilio={{{Twilio}}}, File={{{File}}}";
}

/// <summary>The provider names accepted in <see cref="SmsGatewayOptions.Provider"/>.</summary>
public static class SmsGatewayProviders
{
    public const string File = "file";
    public const string Kannel = "kannel";
    public const string Twilio = "twilio";
}

/// <summary>Kannel's smsbox sendsms interface and where its delivery reports come back.</summary>
public sealed class KannelGatewayOptions
{
    /// <summary>The smsbox sendsms URL, e.g. http://127.0.0.1:13013/cgi-bin/sendsms.</summary>
    public string SendUrl { get; set; } = "http://127.0.0.1:13013/cgi-bin/sendsms";

    /// <summary>A <c>sendsms-user</c> of the smsbox configuration.</summary>
    public string Username { get; set; } = "";

    /// <summary>That user's password. Secret: never logged.</summary>
    public string Password { get; set; } = "";

    /// <summary>
    /// The silo's delivery-report endpoint as Kannel reaches it, e.g.
    /// http://127.0.0.1:5080/sms/kannel/dlr; empty means no delivery reports.
    /// </summary>
    public string DlrUrl { get; set; } = "";

    /// <summary>Which reports Kannel sends: 1 delivered, 2 undelivered, 4 queued, 8 SMSC ack, 16 SMSC reject (31 = all).</summary>
    public int DlrMask { get; set; } = 31;

    /// <summary>Routes the message to this <c>smsc-id</c>; empty lets Kannel choose.</summary>
    public string? Smsc { get; set; }

    /// <summary>
    /// Longest wait for smsbox's answer once connected; past it the outcome is unknown (the
    /// request may have been taken) and the message is not sent again.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for the connection (below <see cref="Timeout"/>); past it the message never left and is retried.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The connect timeout used: half the response timeout when it is not below it, so a connect that hangs always ends first.</summary>
    public TimeSpan EffectiveConnectTimeout => ConnectTimeout < Timeout ? ConnectTimeout : Timeout / 2;

    public override string ToString() =>
        $"SendUrl={SendUrl}, Username={Username}, Password={(Password.Length > 0 ? "***" : "")}, DlrUrl={DlrUrl}, DlrMask={DlrMask}, Smsc={Smsc}, Timeout={Timeout}, ConnectTimeout={ConnectTimeout}";
}

/// <summary>Twilio's Programmable Messaging REST API (or anything that speaks it).</summary>
public sealed class TwilioGatewayOptions
{
    /// <summary>API root; overridable so tests can point it at a local fake.</summary>
    public string BaseUrl { get; set; } = "https://api.twilio.com";

    public string AccountSid { get; set; } = "";

    /// <summary>The account's auth token (Basic auth password, and the key of request signatures). Secret: never logged.</summary>
    public string AuthToken { get; set; } = "";

    /// <summary>The silo's status-callback endpoint as Twilio reaches it, e.g. https://engine.example.com/sms/twilio/status; empty means none.</summary>
    public string StatusCallbackUrl { get; set; } = "";

    /// <summary>Sends through a Messaging Service instead of <see cref="SmsGatewayOptions.From"/>.</summary>
    public string? MessagingServiceSid { get; set; }

    /// <summary>Longest wait for the API's answer once connected; past it the outcome is unknown and the message is not sent again.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait for the connection (TCP; below <see cref="Timeout"/>); past it the message never left and is retried.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The connect timeout used: half the response timeout when it is not below it, so a connect that hangs always ends first.</summary>
    public TimeSpan EffectiveConnectTimeout => ConnectTimeout < Timeout ? ConnectTimeout : Timeout / 2;

    public override string ToString() =>
        $"BaseUrl={BaseUrl}, AccountSid={AccountSid}, AuthToken={(AuthToken.Length > 0 ? "***" : "")}, StatusCallbackUrl={StatusCallbackUrl}, MessagingServiceSid={MessagingServiceSid}, Timeout={Timeout}, ConnectTimeout={ConnectTimeout}";
}

/// <summary>The file sink: every message becomes one JSON line, nothing is sent.</summary>
public sealed class FileGatewayOptions
{
    /// <summary>Where the lines go, relative to the content root; "-" writes them to the console.</summary>
    public string Path { get; set; } = "sms-outbox.jsonl";

    public override string ToString() => $"Path={Path}";
}

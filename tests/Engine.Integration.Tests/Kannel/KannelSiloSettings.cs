namespace Engine.Integration.Tests.Kannel;

/// <summary>
/// How a silo process and a <see cref="KannelRig"/> find each other: the silo sends through
/// the rig's sendsms user and gives Kannel its own delivery-report URL; the rig's sms-service
/// calls the silo's inbound endpoint. The silo's HTTP port is chosen first, because each side
/// must know the other's address before it starts.
/// </summary>
public static class KannelSiloSettings
{
    /// <summary>The engine's sender id, and the number handsets write to.</summary>
    public const string ShortCode = "12345";

    /// <summary>
    /// The silo's Sms:Callbacks:Token, as an operator sets it: the inbound get-url carries it,
    /// and the silo appends it to the dlr-url it hands Kannel.
    /// </summary>
    public static string CallbackToken { get; } = "rig-" + Guid.NewGuid().ToString("N");

    /// <summary>Where the rig's sms-service sends inbound messages, token included (give it to <see cref="KannelRig.StartAsync(string)"/>).</summary>
    public static string InboundUrl(int siloHttpPort) => $"http://127.0.0.1:{siloHttpPort}/sms/kannel/inbound?token={CallbackToken}";

    public static string DlrUrl(int siloHttpPort) => $"http://127.0.0.1:{siloHttpPort}/sms/kannel/dlr";

    /// <summary>Environment settings for <see cref="Processes.SiloProcess"/>: the Kannel gateway pointed at <paramref name="kannel"/>.</summary>
    public static Dictionary<string, string> For(KannelRig kannel, int siloHttpPort) => new()
    {
        ["Sms__Gateway__Provider"] = "kannel",
        ["Sms__Gateway__From"] = ShortCode,
        ["Sms__Gateway__Kannel__SendUrl"] = kannel.SendSmsUrl,
        ["Sms__Gateway__Kannel__Username"] = KannelRig.Username,
        ["Sms__Gateway__Kannel__Password"] = kannel.Password,
        ["Sms__Gateway__Kannel__DlrUrl"] = DlrUrl(siloHttpPort),
        ["Sms__Callbacks__Token"] = CallbackToken,
        // An outage is noticed as a refused connection; this only bounds a hung smsbox.
        ["Sms__Gateway__Kannel__Timeout"] = "00:00:05",
    };
}

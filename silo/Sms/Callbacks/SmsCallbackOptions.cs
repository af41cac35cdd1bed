namespace Engine.Silo.Sms.Callbacks;

/// <summary>
/// Who may call the gateway callbacks (<c>/sms/kannel/inbound</c>, <c>/sms/kannel/dlr</c>).
/// Bound from "Sms:Callbacks". Kannel cannot sign its requests, so the secret rides in the
/// URL the operator gives it (get-url, and the dlr-url the engine hands out).
/// </summary>
public sealed class SmsCallbackOptions
{
    public const string SectionName = "Sms:Callbacks";

    /// <summary>The query parameter that carries <see cref="Token"/>.</summary>
    public const string TokenParameter = "token";

    /// <summary>
    /// The shared secret every Kannel callback must carry as <c>?token=</c>. Secret: never
    /// logged. Letters, digits, '-', '_' and '.' only (Kannel expands every %x in its URLs),
    /// at least <see cref="SmsCallbackOptionsValidator.MinimumTokenLength"/> characters.
    /// Empty is allowed only while the silo's HTTP listener is loopback only.
    /// </summary>
    public string Token { get; set; } = "";

    /// <summary>
    /// Addresses the callbacks may come from: single IPs ("10.0.0.7") or CIDR ranges
    /// ("10.0.0.0/24", "fd00::/8"). Empty means any source (the token still applies).
    /// </summary>
    public List<string> AllowedSources { get; set; } = [];

    public override string ToString() =>
        $"Token={(Token.Length > 0 ? "***" : "")}, AllowedSources=[{string.Join(", ", AllowedSources)}]";
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Engine.Silo.Sms.Callbacks;

/// <summary>
/// A message from a handset (MO), as Kannel's catch-all sms-service delivers it to its
/// get-url with <see cref="GetUrlQuery"/>. Kannel does not retry by default and may repeat
/// when it does: dedupe on <see cref="GatewayMessageId"/>.
/// </summary>
/// <param name="From">The sender's number (%p).</param>
/// <param name="To">The number it was sent to, our short code or long number (%P), if given.</param>
/// <param name="Text">The whole text (%a).</param>
/// <param name="GatewayMessageId">Kannel's id of the message (%I, a UUID).</param>
/// <param name="ReceivedAt">When the SMSC delivered it to Kannel (%T, or %t read as UTC).</param>
public sealed partial record KannelInboundMessage(string From, string? To, string Text, string GatewayMessageId, DateTimeOffset ReceivedAt)
{
    /// <summary>
    /// The query to put after the inbound endpoint in the sms-service's get-url. %C is the
    /// charset of %a: with smsbox's <c>mo-recode = true</c> it is UTF-8, which is all this reads.
    /// </summary>
    public const string GetUrlQuery = "from=%p&to=%P&text=%a&id=%I&ts=%T&charset=%C";

    /// <summary>Longest text accepted; a reassembled multi-part message stays well below.</summary>
    public const int MaxTextLength = 4000;

    /// <summary>Reads an inbound message; false if a field is missing, repeated, malformed or not UTF-8.</summary>
    public static bool TryParse(IQueryCollection query, [NotNullWhen(true)] out KannelInboundMessage? message)
    {
        message = null;
        string? to = null;
        if (!CallbackFields.TryGet(query, "from", 32, out var from) || !Address().IsMatch(from)
            || (query.ContainsKey("to") && (!CallbackFields.TryGet(query, "to", 32, out to) || (to.Length > 0 && !Address().IsMatch(to))))
            || !CallbackFields.TryGet(query, "text", MaxTextLength, out var text)
            || !CallbackFields.TryGet(query, "id", 64, out var id) || !GatewayId().IsMatch(id)
            || !CallbackFields.TryGet(query, "ts", 32, out var ts) || !TryParseTime(ts, out var at))
        {
            return false;
        }

        // Any other charset means the text was raw bytes (UCS-2 without mo-recode) that the
        // query string could not carry intact.
        if (query.ContainsKey("charset")
            && (!CallbackFields.TryGet(query, "charset", 32, out var charset) || !IsUtf8(charset)))
        {
            return false;
        }

        message = new KannelInboundMessage(from, to is { Length: > 0 } ? to : null, text, id, at);
        return true;
    }

    private static bool IsUtf8(string charset) =>
        charset.Length == 0 || charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("UTF8", StringComparison.OrdinalIgnoreCase);

    /// <summary>%T (Unix seconds) or %t ("2026-11-23 15:38:59", which Kannel formats in UTC).</summary>
    private static bool TryParseTime(string text, out DateTimeOffset at)
    {
        if (CallbackFields.TryParseUnixTime(text, out at))
        {
            return true;
        }

        return DateTimeOffset.TryParseExact(
            text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
    }

    /// <summary>A phone number (optionally with +) or a short alphanumeric sender id.</summary>
    [GeneratedRegex(@"^\+?[0-9A-Za-z]{1,31}$")]
    private static partial Regex Address();

    [GeneratedRegex(@"^[0-9A-Za-z-]{1,64}$")]
    private static partial Regex GatewayId();
}

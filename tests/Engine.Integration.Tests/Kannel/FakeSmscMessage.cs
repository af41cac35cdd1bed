using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;

namespace Engine.Integration.Tests.Kannel;

/// <summary>A message as fakesmsc printed it: <c>Got message 1: &lt;FROM TO text Hello&gt;</c>.</summary>
/// <param name="From">The sender (the gateway's from).</param>
/// <param name="To">The recipient's number.</param>
/// <param name="Text">The text, decoded.</param>
/// <param name="Coding">fakesmsc's type word: "text", "data" or "ucs-2".</param>
/// <param name="Udh">The user data header of one part of a multi-part message, URL-encoded, if any.</param>
public sealed partial record FakeSmscMessage(string From, string To, string Text, string Coding, string? Udh)
{
    public static bool TryParseLog(string line, [NotNullWhen(true)] out FakeSmscMessage? message)
    {
        message = null;
        var match = GotMessage().Match(line);
        if (!match.Success)
        {
            return false;
        }

        var from = match.Groups["from"].Value;
        var to = match.Groups["to"].Value;
        var rest = match.Groups["rest"].Value;
        string? udh = null;
        if (rest.StartsWith("udh ", StringComparison.Ordinal))
        {
            var parts = rest.Split(' ', 3);
            if (parts.Length < 3)
            {
                return false;
            }

            udh = parts[1];
            rest = parts[2];
        }

        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        var (coding, payload) = space < 0 ? (rest, "") : (rest[..space], rest[(space + 1)..]);
        var text = coding switch
        {
            "text" => payload,
            "data" => Encoding.UTF8.GetString(HttpUtility.UrlDecodeToBytes(payload)),
            "ucs-2" => Encoding.BigEndianUnicode.GetString(HttpUtility.UrlDecodeToBytes(payload)),
            _ => null,
        };
        if (text is null)
        {
            return false;
        }

        message = new FakeSmscMessage(from, to, text, coding, udh);
        return true;
    }

    [GeneratedRegex(@"Got message \d+: <(?<from>\S*) (?<to>\S+) (?<rest>.*)>$")]
    private static partial Regex GotMessage();
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Engine.Silo.Sms.Callbacks;

/// <summary>
/// Checks the X-Twilio-Signature header of a callback: base64 HMAC-SHA1, keyed with the
/// account's auth token, of the full URL Twilio called followed by every POST field's name
/// and value, sorted by name. Without it anyone who can reach the endpoint could forge
/// delivery states.
/// </summary>
public static class TwilioRequestSignature
{
    public const string HeaderName = "X-Twilio-Signature";

    /// <param name="url">The URL exactly as Twilio called it, query included (behind a proxy: the public one).</param>
    /// <param name="form">The POST fields.</param>
    /// <param name="authToken">The account's auth token.</param>
    public static string Compute(string url, IEnumerable<KeyValuePair<string, StringValues>> form, string authToken)
    {
        var data = new StringBuilder(url);
        foreach (var (name, values) in form.OrderBy(field => field.Key, StringComparer.Ordinal))
        {
            foreach (var value in values.Order(StringComparer.Ordinal))
            {
                data.Append(name).Append(value);
            }
        }

#pragma warning disable CA5350 // Twilio's signature scheme is HMAC-SHA1; not our choice.
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
#pragma warning restore CA5350
        return Convert.ToBase64String(mac);
    }

    public static bool IsValid(string url, IEnumerable<KeyValuePair<string, StringValues>> form, string? signature, string authToken)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(authToken))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(url, form, authToken));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Engine.Domain.Sms;

/// <summary>
/// The key of a phone number in the suppression list: HMAC-SHA256 of its E.164 form under a
/// secret. The raw number is never a grain or storage key; without the secret the key cannot
/// be turned back into the number by trying every number (there are only ~10^15).
/// </summary>
public static class NumberKey
{
    /// <summary>Shortest secret accepted: 32 bytes, the HMAC-SHA256 block's half.</summary>
    public const int MinimumSecretBytes = 32;

    /// <summary>"n" and 64 lowercase hex digits, from the E.164 number (normalise first).</summary>
    public static string Of(string e164, ReadOnlySpan<byte> secret)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(e164), mac);
        return "n" + Convert.ToHexStringLower(mac);
    }
}

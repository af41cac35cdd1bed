using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Engine.Domain.Sms;
using Microsoft.Extensions.Options;

namespace Engine.Grains;

/// <summary>Normalises a number with the configured region and gives its suppression-list key.</summary>
public sealed class NumberKeys
{
    private readonly byte[] _secret;

    public NumberKeys(IOptions<PhoneNumberOptions> options)
    {
        DefaultRegion = options.Value.DefaultRegion;
        UsesDevelopmentKey = options.Value.Key.Length == 0;
        _secret = UsesDevelopmentKey ? DevelopmentKey : Encoding.UTF8.GetBytes(options.Value.Key);
    }

    /// <summary>
    /// Known to anyone who reads this code, so its keys hide nothing: only for the embedded
    /// default, whose storage is in memory (the silo warns; PostgreSQL storage refuses it).
    /// </summary>
    private static byte[] DevelopmentKey { get; } = SHA256.HashData("engagement-engine development number key"u8);

    public string DefaultRegion { get; }

    public bool UsesDevelopmentKey { get; }

    /// <summary>The number in E.164 with the default region, or false when it is not a phone number.</summary>
    public bool TryNormalise(string? text, [NotNullWhen(true)] out string? e164) => NumberNormalisation.TryToE164(text, DefaultRegion, out e164);

    /// <summary>The suppression-list key of a number: normalised first, so every way of writing it gives one key.</summary>
    public string KeyOf(string number) =>
        NumberKey.Of(TryNormalise(number, out var e164) ? e164 : number, _secret);
}

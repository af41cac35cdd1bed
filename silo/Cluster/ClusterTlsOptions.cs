namespace Engine.Silo.Cluster;

/// <summary>
/// Mutual TLS on the Orleans silo and gateway ports, bound from "Orleans:Tls" (environment
/// <c>Orleans__Tls__...</c>; the admin client reads the same keys). Off while
/// <see cref="CertificatePath"/> is empty. When on, every silo-to-silo and client-to-gateway
/// connection is TLS and both ends must present a certificate the other trusts.
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string SectionName = "Orleans:Tls";

    /// <summary>This process's certificate: a PKCS#12 file (.pfx/.p12) or a PEM certificate.</summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>The PKCS#12 password, or the encrypted PEM key's. Secret: never logged.</summary>
    public string CertificatePassword { get; set; } = "";

    /// <summary>The PEM private key, when it is not in <see cref="CertificatePath"/>.</summary>
    public string KeyPath { get; set; } = "";

    /// <summary>
    /// PEM file of the CA certificate(s) that issue the cluster's certificates: a peer must
    /// chain to one of them (and only them; the system store is not consulted).
    /// </summary>
    public string TrustedCaPath { get; set; } = "";

    /// <summary>SHA-256 thumbprints (hex) of peer certificates accepted as they are, e.g. a self-signed one.</summary>
    public List<string> TrustedThumbprints { get; set; } = [];

    public bool Enabled => CertificatePath.Length > 0;

    /// <summary>What is wrong, each naming its key; files are checked to exist, not loaded.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Enabled)
        {
            if (TrustedCaPath.Length > 0 || TrustedThumbprints.Count > 0 || KeyPath.Length > 0)
            {
                problems.Add($"{SectionName}:CertificatePath is empty, so TLS is off, yet other {SectionName} keys are set: set the certificate or remove them");
            }

            return problems;
        }

        RequireFile(problems, "CertificatePath", CertificatePath);
        if (KeyPath.Length > 0)
        {
            RequireFile(problems, "KeyPath", KeyPath);
        }

        if (TrustedCaPath.Length > 0)
        {
            RequireFile(problems, "TrustedCaPath", TrustedCaPath);
        }

        for (var i = 0; i < TrustedThumbprints.Count; i++)
        {
            if (ClusterTrust.Normalize(TrustedThumbprints[i]) is not { Length: 64 } thumbprint || !thumbprint.All(char.IsAsciiHexDigit))
            {
                problems.Add($"{SectionName}:TrustedThumbprints:{i} must be a SHA-256 thumbprint (64 hex digits), got \"{TrustedThumbprints[i]}\"");
            }
        }

        return problems;
    }

    public override string ToString() =>
        $"CertificatePath={CertificatePath}, CertificatePassword={(CertificatePassword.Length > 0 ? "***" : "")}, KeyPath={KeyPath}, TrustedCaPath={TrustedCaPath}, TrustedThumbprints=[{string.Join(", ", TrustedThumbprints)}]";

    private static void RequireFile(List<string> problems, string key, string path)
    {
        if (!File.Exists(path))
        {
            problems.Add($"{SectionName}:{key} must name a readable file, got \"{path}\"");
        }
    }
}

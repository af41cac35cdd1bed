using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace Engine.Silo.Cluster;

/// <summary>
/// The TLS identity of a silo or client (its certificate) and which peers it accepts. Shared
/// by the silo and the admin client, so both ends apply the same rule: a peer is accepted when
/// its certificate is pinned by thumbprint, or chains to the configured CA, or (with neither
/// configured) is valid in the system store. Host names are not checked: silos dial each other
/// by IP address, so the certificate, not the name, is the identity.
/// </summary>
public sealed class ClusterTrust
{
    private readonly X509Certificate2Collection _authorities;
    private readonly HashSet<string> _thumbprints;

    public ClusterTrust(ClusterTlsOptions options)
    {
        _authorities = [];
        if (options.TrustedCaPath.Length > 0)
        {
            _authorities.ImportFromPemFile(options.TrustedCaPath);
            if (_authorities.Count == 0)
            {
                throw new InvalidOperationException($"{ClusterTlsOptions.SectionName}:TrustedCaPath holds no PEM certificate: {options.TrustedCaPath}");
            }
        }

        _thumbprints = options.TrustedThumbprints.Select(Normalize).ToHashSet(StringComparer.Ordinal);
        Certificate = Load(options);
    }

    /// <summary>This process's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Both directions require a certificate, checked by <see cref="Accepts"/>.</summary>
    public void RequireMutual(TlsOptions tls)
    {
        tls.LocalCertificate = Certificate;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = Accepts;
    }

    public bool Accepts(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        if (_thumbprints.Contains(certificate.GetCertHashString(HashAlgorithmName.SHA256)))
        {
            return true;
        }

        if (_authorities.Count > 0)
        {
            using var ours = new X509Chain();
            ours.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            ours.ChainPolicy.CustomTrustStore.AddRange(_authorities);
            ours.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            // Intermediates the peer sent; the roots come only from the configured file.
            foreach (var element in chain?.ChainElements ?? Enumerable.Empty<X509ChainElement>())
            {
                ours.ChainPolicy.ExtraStore.Add(element.Certificate);
            }

            return ours.Build(certificate);
        }

        return _thumbprints.Count == 0 && (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
    }

    /// <summary>Upper-case hex without separators, as thumbprints are compared.</summary>
    public static string Normalize(string thumbprint) =>
        new string([.. thumbprint.Where(c => !char.IsWhiteSpace(c) && c != ':')]).ToUpperInvariant();

    private static X509Certificate2 Load(ClusterTlsOptions options)
    {
        var path = options.CertificatePath;
        var password = options.CertificatePassword.Length > 0 ? options.CertificatePassword : null;
        if (Path.GetExtension(path).ToLowerInvariant() is ".pfx" or ".p12")
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }

        var keyPath = options.KeyPath.Length > 0 ? options.KeyPath : null;
        return password is null
            ? X509Certificate2.CreateFromPemFile(path, keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
    }
}

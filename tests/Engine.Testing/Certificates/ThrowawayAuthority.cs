using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Engine.Testing.Certificates;

/// <summary>
/// A certificate authority made for one test, in a temporary directory: its certificate as PEM
/// and leaf certificates (server and client use, as Orleans needs both) as password-protected
/// PKCS#12 files. Nothing is written outside that directory, which is deleted on dispose.
/// </summary>
public sealed class ThrowawayAuthority : IDisposable
{
    public const string Password = "throwaway-pfx-password";

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _certificate;

    public ThrowawayAuthority(string name)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("engine-tls-").FullName;
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        _certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(2));
        CertificatePemPath = Path.Combine(Directory, "ca.pem");
        File.WriteAllText(CertificatePemPath, _certificate.ExportCertificatePem());
    }

    public string Directory { get; }

    /// <summary>The authority's certificate: what a peer configures as its trusted CA.</summary>
    public string CertificatePemPath { get; }

    /// <summary>Issues a leaf for <paramref name="name"/>; returns the path of its .pfx (key included, <see cref="Password"/>).</summary>
    public string Issue(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication, ClientAuthentication], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, true, false));
        // Inside the authority's own validity, which a leaf may not outlast.
        using var issued = request.Create(_certificate, _certificate.NotBefore.AddMinutes(1), _certificate.NotAfter.AddMinutes(-1), RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(key);
        var path = Path.Combine(Directory, name + ".pfx");
        File.WriteAllBytes(path, withKey.Export(X509ContentType.Pfx, Password));
        return path;
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

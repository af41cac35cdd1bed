using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Engine.Silo.Cluster;
using Engine.Testing.Certificates;

namespace Engine.Silo.Tests.Cluster;

/// <summary>Which peer certificates the cluster accepts, and the checks on Orleans:Tls.</summary>
[Trait("Category", "Unit")]
public sealed class ClusterTrustTests : IDisposable
{
    private readonly ThrowawayAuthority _cluster = new("cluster-ca");
    private readonly ThrowawayAuthority _stranger = new("stranger-ca");

    [Fact]
    public void A_peer_issued_by_the_trusted_authority_is_accepted_whatever_its_name()
    {
        using var peer = Load(_cluster.Issue("silo-b"));

        Assert.True(Trust(trustedCaPath: _cluster.CertificatePemPath).Accepts(peer, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public void A_peer_issued_by_another_authority_is_refused()
    {
        using var peer = Load(_stranger.Issue("intruder"));

        Assert.False(Trust(trustedCaPath: _cluster.CertificatePemPath).Accepts(peer, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void A_pinned_certificate_is_accepted_and_any_other_refused()
    {
        using var pinned = Load(_stranger.Issue("pinned"));
        using var other = Load(_stranger.Issue("other"));
        var trust = Trust(thumbprints: [string.Join(':', Convert.ToHexString(pinned.GetCertHash(HashAlgorithmName.SHA256)).Chunk(2).Select(c => new string(c))).ToLowerInvariant()]);

        Assert.True(trust.Accepts(pinned, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(trust.Accepts(other, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void Without_a_ca_or_pins_only_the_system_store_decides()
    {
        using var peer = Load(_stranger.Issue("peer"));
        var trust = Trust();

        Assert.True(trust.Accepts(peer, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(trust.Accepts(peer, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void Tls_is_off_by_default_and_that_is_valid() =>
        Assert.Empty(new ClusterTlsOptions().Problems());

    [Fact]
    public void Trust_settings_without_a_certificate_are_refused() =>
        Assert.Equal(
            ["Orleans:Tls:CertificatePath is empty, so TLS is off, yet other Orleans:Tls keys are set: set the certificate or remove them"],
            new ClusterTlsOptions { TrustedCaPath = _cluster.CertificatePemPath }.Problems());

    [Fact]
    public void Missing_files_and_malformed_thumbprints_are_refused_naming_their_keys()
    {
        var problems = new ClusterTlsOptions { CertificatePath = "/nonexistent/silo.pfx", TrustedCaPath = "/nonexistent/ca.pem", TrustedThumbprints = ["abc"] }.Problems();

        Assert.Equal(
        [
            "Orleans:Tls:CertificatePath must name a readable file, got \"/nonexistent/silo.pfx\"",
            "Orleans:Tls:TrustedCaPath must name a readable file, got \"/nonexistent/ca.pem\"",
            "Orleans:Tls:TrustedThumbprints:0 must be a SHA-256 thumbprint (64 hex digits), got \"abc\"",
        ], problems);
    }

    [Fact]
    public void The_password_never_shows_in_the_options_text() =>
        Assert.DoesNotContain("secret-pfx", new ClusterTlsOptions { CertificatePath = "a.pfx", CertificatePassword = "secret-pfx" }.ToString(), StringComparison.Ordinal);

    public void Dispose()
    {
        _cluster.Dispose();
        _stranger.Dispose();
    }

    private ClusterTrust Trust(string trustedCaPath = "", List<string>? thumbprints = null) => new(new ClusterTlsOptions
    {
        CertificatePath = _cluster.Issue("self"),
        CertificatePassword = ThrowawayAuthority.Password,
        TrustedCaPath = trustedCaPath,
        TrustedThumbprints = thumbprints ?? [],
    });

    private static X509Certificate2 Load(string pfx) => X509CertificateLoader.LoadPkcs12FromFile(pfx, ThrowawayAuthority.Password);
}

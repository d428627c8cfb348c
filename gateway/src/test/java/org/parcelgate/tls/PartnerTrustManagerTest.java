package org.parcelgate.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parcelgate.pki.CertificateAuthority;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.MutableClock;
import org.parcelgate.testing.TestPki;

class PartnerTrustManagerTest {
  private final SamplePki pki = TestPki.shared();
  private final CertificateAuthority root = pki.rootCa();
  private final MutableClock clock = new MutableClock(Instant.now());
  private final List<TlsRejection> rejections = new ArrayList<>();

  private PartnerTrustManager trustManager(X509CRL crl, boolean allowStale) {
    CrlSet crls = CrlSet.of(List.of(crl), List.of(root.certificate()));
    return new PartnerTrustManager(
        List.of(root.certificate()), () -> crls, allowStale, clock, rejections::add);
  }

  private X509CRL freshCrl(BigInteger... revoked) {
    Instant now = clock.instant();
    return root.issueCrl(List.of(revoked), now.minusSeconds(60), now.plus(Duration.ofDays(7)));
  }

  private X509Certificate good() {
    return pki.identity("marketplace-alpha").x509();
  }

  private void assertRefused(
      PartnerTrustManager manager, X509Certificate certificate, TlsRejection reason) {
    assertThatThrownBy(() -> manager.validate(new X509Certificate[] {certificate}))
        .isInstanceOfSatisfying(
            CertificateRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    assertThat(rejections).endsWith(reason);
  }

  @Test
  void acceptsRegisteredChainWithFreshCrl() {
    assertThatCode(() -> trustManager(freshCrl(), false).validate(new X509Certificate[] {good()}))
        .doesNotThrowAnyException();
  }

  @Test
  void acceptsChainThatIncludesTheRoot() {
    assertThatCode(
            () ->
                trustManager(freshCrl(), false)
                    .validate(new X509Certificate[] {good(), root.certificate()}))
        .doesNotThrowAnyException();
  }

  @Test
  void rejectsCertificateFromUntrustedCa() {
    assertRefused(
        trustManager(freshCrl(), false), pki.identity("untrusted").x509(), TlsRejection.UNTRUSTED);
  }

  @Test
  void rejectsExpiredCertificate() {
    assertRefused(
        trustManager(freshCrl(), false), pki.identity("expired").x509(), TlsRejection.EXPIRED);
  }

  @Test
  void rejectsRevokedCertificate() {
    X509Certificate certificate = good();
    assertRefused(
        trustManager(freshCrl(certificate.getSerialNumber()), false),
        certificate,
        TlsRejection.REVOKED);
  }

  @Test
  void rejectsEveryCertificateWhenCrlIsStale() {
    Instant now = clock.instant();
    X509CRL stale =
        root.issueCrl(List.of(), now.minus(Duration.ofDays(8)), now.minus(Duration.ofDays(1)));
    assertRefused(trustManager(stale, false), good(), TlsRejection.CRL_STALE);
  }

  @Test
  void usesStaleCrlOnlyWhenExplicitlyAllowed() {
    Instant now = clock.instant();
    X509Certificate certificate = good();
    X509CRL stale =
        root.issueCrl(
            List.of(certificate.getSerialNumber()),
            now.minus(Duration.ofDays(8)),
            now.minus(Duration.ofDays(1)));
    PartnerTrustManager lenient = trustManager(stale, true);
    assertThatCode(
            () -> lenient.validate(new X509Certificate[] {pki.identity("marketplace-beta").x509()}))
        .doesNotThrowAnyException();
    assertRefused(lenient, certificate, TlsRejection.REVOKED);
  }

  @Test
  void becomesStaleAsTimePasses() {
    PartnerTrustManager manager = trustManager(freshCrl(), false);
    clock.advance(Duration.ofDays(8));
    assertRefused(manager, good(), TlsRejection.CRL_STALE);
  }

  @Test
  void rejectsCertificateWhoseIssuerHasNoCrl() {
    PartnerTrustManager manager =
        new PartnerTrustManager(
            List.of(root.certificate()),
            () -> CrlSet.of(List.of(), List.of(root.certificate())),
            false,
            clock,
            rejections::add);
    assertRefused(manager, good(), TlsRejection.CRL_MISSING);
  }

  @Test
  void rejectsServerCertificateUsedAsClient() throws Exception {
    X509Certificate server = org.parcelgate.pki.Pem.readCertificate(pki.serverCertificate());
    assertRefused(trustManager(freshCrl(), false), server, TlsRejection.NOT_CLIENT_CERTIFICATE);
  }

  @Test
  void refusesCrlNotSignedByItsIssuer() {
    Instant now = clock.instant();
    // Same issuer name, different key: a forged CRL that would "unrevoke" certificates.
    CertificateAuthority impostor =
        CertificateAuthority.of(
            root.certificate(),
            CertificateAuthority.createRoot(
                    "Impostor", now.minusSeconds(60), now.plus(Duration.ofDays(1)))
                .privateKey());
    X509CRL forged =
        impostor.issueCrl(List.of(), now.minusSeconds(60), now.plus(Duration.ofDays(7)));
    assertThatThrownBy(() -> CrlSet.of(List.of(forged), List.of(root.certificate())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not signed");
  }

  @Test
  void rejectsNoCertificate() {
    assertThatThrownBy(() -> trustManager(freshCrl(), false).validate(new X509Certificate[0]))
        .isInstanceOf(CertificateRejectedException.class);
  }
}

package org.parcelgate.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.750Z");
  private static final Instant FROM = NOW.minus(Duration.ofDays(1));
  private static final Instant TO = NOW.plus(Duration.ofDays(365));
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String SUBJECT_KEY_ID = "2.5.29.14";
  private static final String AUTHORITY_KEY_ID = "2.5.29.35";
  private static final String CRL_NUMBER = "2.5.29.20";

  private final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", FROM, TO);

  @Test
  void rootIsSelfSignedCaWithCriticalConstraintsAndKeyUsage() throws GeneralSecurityException {
    X509Certificate root = ca.certificate();
    root.verify(root.getPublicKey());

    assertThat(root.getSubjectX500Principal()).isEqualTo(root.getIssuerX500Principal());
    assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=Test Root");
    assertThat(root.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(root.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(root.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
    assertThat(root.getCriticalExtensionOIDs())
        .containsExactlyInAnyOrder(BASIC_CONSTRAINTS, KEY_USAGE);
    assertThat(root.getKeyUsage())
        .containsExactly(false, false, false, false, false, true, true, false, false);
    assertThat(root.getExtensionValue(SUBJECT_KEY_ID)).isNotNull();
    assertThat(root.getNotBefore().toInstant()).isEqualTo(Instant.parse("2026-02-28T12:00:00Z"));
    assertThat(ca.privateKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void clientCertificateIsForClientAuthOnlyAndNamesItsIssuerKey() throws Exception {
    X509Certificate client = ca.issueClient(Keys.ecP256(), "partner-1", FROM, TO).certificate();
    client.verify(ca.certificate().getPublicKey());

    assertThat(client.getIssuerX500Principal())
        .isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(client.getSubjectX500Principal().getName()).isEqualTo("CN=partner-1");
    assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(client.getKeyUsage())
        .containsExactly(true, false, false, false, false, false, false, false, false);
    assertThat(client.getBasicConstraints()).isEqualTo(-1);
    assertThat(client.getCriticalExtensionOIDs())
        .containsExactlyInAnyOrder(BASIC_CONSTRAINTS, KEY_USAGE);
    assertThat(client.getExtensionValue(SUBJECT_KEY_ID)).isNotNull();
    assertThat(client.getSubjectAlternativeNames()).isNull();
    AuthorityKeyIdentifier aki = authorityKeyIdentifier(client.getExtensionValue(AUTHORITY_KEY_ID));
    assertThat(aki.getKeyIdentifierOctets()).isEqualTo(subjectKeyIdentifier(ca.certificate()));
    assertThat(aki.getAuthorityCertIssuer()).isNull();
    assertThat(Pkix.validate(client, ca.certificate(), NOW)).isNotNull();
  }

  @Test
  void rsaServerCertificateAlsoAllowsKeyEncipherment() throws GeneralSecurityException {
    X509Certificate rsa =
        ca.issueServer(Keys.rsa(2048), "rsa-server", List.of("localhost"), List.of(), FROM, TO)
            .certificate();
    X509Certificate ec =
        ca.issueServer(Keys.ecP256(), "ec-server", List.of(), List.of("10.0.0.1"), FROM, TO)
            .certificate();

    assertThat(rsa.getKeyUsage()).startsWith(true, false, true, false);
    assertThat(ec.getKeyUsage()).startsWith(true, false, false, false);
    assertThat(rsa.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(rsa.getSubjectAlternativeNames()).containsExactly(List.of(2, "localhost"));
    assertThat(ec.getSubjectAlternativeNames()).containsExactly(List.of(7, "10.0.0.1"));
  }

  @Test
  void serverCertificateRefusesAnIpAddressThatIsNotALiteral() {
    assertThatThrownBy(
            () ->
                ca.issueServer(Keys.ecP256(), "server", List.of(), List.of("localhost"), FROM, TO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("localhost");
  }

  @Test
  void serialNumbersArePositiveRandom128BitIntegers() {
    Set<BigInteger> serials = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      BigInteger serial =
          ca.issueClient(Keys.ecP256(), "c" + i, FROM, TO).certificate().getSerialNumber();
      assertThat(serial.signum()).isPositive();
      assertThat(serial.bitLength()).isLessThanOrEqualTo(128);
      serials.add(serial);
    }
    assertThat(serials).hasSize(20);
    assertThat(serials).anyMatch(serial -> serial.bitLength() > 120);
  }

  @Test
  void crlCarriesAuthorityKeyIdentifierNumberAndKeyCompromiseReason() throws Exception {
    BigInteger revoked =
        ca.issueClient(Keys.ecP256(), "bad", FROM, TO).certificate().getSerialNumber();
    X509CRL crl = ca.issueCrl(List.of(revoked), NOW, NOW.plus(Duration.ofDays(7)));
    crl.verify(ca.certificate().getPublicKey());

    assertThat(crl.getVersion()).isEqualTo(2);
    assertThat(crl.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(crl.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(crl.getThisUpdate().toInstant()).isEqualTo(Instant.parse("2026-03-01T12:00:00Z"));
    assertThat(crl.getRevokedCertificate(revoked).getRevocationReason())
        .isEqualTo(java.security.cert.CRLReason.KEY_COMPROMISE);
    assertThat(crl.getRevokedCertificate(revoked).getRevocationDate())
        .isEqualTo(crl.getThisUpdate());
    assertThat(
            authorityKeyIdentifier(crl.getExtensionValue(AUTHORITY_KEY_ID))
                .getKeyIdentifierOctets())
        .isEqualTo(subjectKeyIdentifier(ca.certificate()));
    X509CRL later =
        ca.issueCrl(List.of(), NOW.plus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(7)));
    assertThat(crlNumber(later)).isGreaterThan(crlNumber(crl));
    assertThat(later.getRevokedCertificates()).isNull();
  }

  @Test
  void wrapsAnExistingCaButOnlyWithAnEcKey() throws GeneralSecurityException {
    CertificateAuthority same = CertificateAuthority.of(ca.certificate(), ca.privateKey());
    same.issueClient(Keys.ecP256(), "x", FROM, TO)
        .certificate()
        .verify(ca.certificate().getPublicKey());

    assertThatThrownBy(() -> CertificateAuthority.of(ca.certificate(), Keys.rsa(2048).getPrivate()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesABlankCommonName() {
    assertThatThrownBy(() -> CertificateAuthority.createRoot(" ", FROM, TO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static AuthorityKeyIdentifier authorityKeyIdentifier(byte[] extension)
      throws IOException {
    return AuthorityKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(extension));
  }

  private static byte[] subjectKeyIdentifier(X509Certificate certificate) throws IOException {
    return SubjectKeyIdentifier.getInstance(
            JcaX509ExtensionUtils.parseExtensionValue(
                certificate.getExtensionValue(SUBJECT_KEY_ID)))
        .getKeyIdentifier();
  }

  private static BigInteger crlNumber(X509CRL crl) throws IOException {
    return ASN1Integer.getInstance(
            JcaX509ExtensionUtils.parseExtensionValue(crl.getExtensionValue(CRL_NUMBER)))
        .getValue();
  }
}

package org.parcelgate.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The committed sample in {@code keys-sample/generated} opens and does not expire unnoticed: this
 * fails a year before any of its good certificates or its CRL would, which is the time to
 * regenerate it.
 */
class CommittedSampleTest {
  private static final Path COMMITTED = Path.of("generated");

  @Test
  void committedSampleOpensAndStaysValidForAnotherYear() throws GeneralSecurityException {
    SamplePki sample = SamplePki.open(COMMITTED);
    Instant inAYear = Clock.systemUTC().instant().plus(Duration.ofDays(366));
    X509Certificate root = Pem.readCertificate(sample.trustAnchor());
    X509CRL crl = Pem.readCrl(sample.crl());

    assertThat(sample.partners()).hasSize(6);
    for (Identity partner : sample.partners()) {
      assertThat(Pkix.validate(partner.x509(), root, inAYear)).as(partner.name()).isNotNull();
    }
    assertThat(Pkix.validate(Pem.readCertificate(sample.serverCertificate()), root, inAYear))
        .isNotNull();
    assertThat(crl.getNextUpdate().toInstant()).isAfter(inAYear);
    assertThat(crl.isRevoked(sample.identity("revoked").x509())).isTrue();
  }
}

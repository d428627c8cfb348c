package org.parcelgate.pki;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A certificate issued by a {@link CertificateAuthority} together with the key pair of its subject.
 *
 * @param certificate the issued certificate
 * @param keyPair the subject's key pair; its public key is the one in {@code certificate}
 */
public record IssuedCertificate(X509Certificate certificate, KeyPair keyPair) {
  /** Checks that both parts are present. */
  public IssuedCertificate {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(keyPair, "keyPair");
  }
}

package org.parcelgate.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/** The JDK's PKIX validation of a one-certificate path, as a TLS peer would do it. */
final class Pkix {
  private Pkix() {}

  /** Validates without revocation checking. */
  static PKIXCertPathValidatorResult validate(
      X509Certificate leaf, X509Certificate anchor, Instant at) throws GeneralSecurityException {
    return validate(leaf, anchor, at, null);
  }

  /**
   * Validates with revocation checked against the given CRL only, or without revocation checking
   * when it is null.
   */
  static PKIXCertPathValidatorResult validate(
      X509Certificate leaf, X509Certificate anchor, Instant at, X509CRL crl)
      throws GeneralSecurityException {
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
    parameters.setDate(Date.from(at));
    parameters.setRevocationEnabled(crl != null);
    if (crl != null) {
      parameters.addCertStore(
          CertStore.getInstance("Collection", new CollectionCertStoreParameters(List.of(crl))));
    }
    return (PKIXCertPathValidatorResult)
        CertPathValidator.getInstance("PKIX")
            .validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)),
                parameters);
  }
}

package org.parcelgate.pki;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;

/** Certificate thumbprints as used to bind a certificate to a partner or a token. */
public final class Thumbprints {
  private Thumbprints() {}

  /**
   * The SHA-256 thumbprint of a certificate: base64url without padding of the SHA-256 digest of its
   * DER encoding. This is the {@code x5t#S256} value of RFC 8705 and the value listed in the
   * partner registry.
   */
  public static String sha256(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new PkiException(
          "cannot compute the thumbprint of " + certificate.getSubjectX500Principal(), e);
    }
  }
}

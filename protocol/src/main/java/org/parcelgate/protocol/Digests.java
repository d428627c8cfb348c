package org.parcelgate.protocol;

import com.nimbusds.jose.util.Base64URL;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** The SHA-256 digests the protocol is built on, in the encodings it uses. */
public final class Digests {
  private Digests() {}

  public static byte[] sha256(byte[] content) {
    return sha256().digest(content);
  }

  /** A new SHA-256 digest, for content that arrives in parts. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** base64url without padding, the form of {@code body_sha256} and {@code x5t#S256}. */
  public static String sha256Base64Url(byte[] content) {
    return Base64URL.encode(sha256(content)).toString();
  }

  public static String sha256Hex(byte[] content) {
    return HexFormat.of().formatHex(sha256(content));
  }

  /**
   * The RFC 8705 {@code x5t#S256} thumbprint of a certificate: base64url SHA-256 of its DER
   * encoding.
   */
  public static String thumbprint(X509Certificate certificate) {
    try {
      return sha256Base64Url(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded", e);
    }
  }
}
